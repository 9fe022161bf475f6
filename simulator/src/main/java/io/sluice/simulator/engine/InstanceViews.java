package io.sluice.simulator.engine;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.health.ActiveHealthCheck;
import io.sluice.algorithms.health.CheckResult;
import io.sluice.algorithms.health.OutlierConfig;
import io.sluice.algorithms.health.OutlierDetector;
import io.sluice.algorithms.health.OutlierEvent;
import io.sluice.algorithms.health.RequestOutcome;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Distribution;
import io.sluice.simulator.model.HealthCheckModel;
import io.sluice.simulator.model.LoadBalancerModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The load-balancer instances and what each one knows: its {@link LoadBalancer} (picker and
 * loads), and its own view of every backend's health, built from its own active checks and its
 * own outlier detector. This is the one place the engine creates load balancers and their loads.
 *
 * <p>Each instance checks every backend itself, with the very state machine the proxy runs
 * ({@link ActiveHealthCheck}); a check is answered after the network round trip plus its work at
 * the backend's current speed and the rest of any stall, and times out at a crashed backend.
 */
final class InstanceViews {
    private final VirtualClock clock;
    private final EventQueue queue;
    private final BackendStations stations;
    private final LoadBalancerModel model;
    private final long duration;

    final int count;
    final LoadBalancer[] lbs;
    final BackendLoad[][] loads;
    /** Each instance's view of each backend: what its picker sees, from the two below. */
    final HealthState[][] health;
    /** The active checks' verdict per (instance, backend). */
    private final HealthState[][] checked;
    /** Ejected by the instance's outlier detector. */
    private final boolean[][] ejected;
    /** One passive outlier detector per instance, or null. */
    private final OutlierDetector[] detectors;
    /** One state machine per (instance, backend), or null without health checks. */
    private final ActiveHealthCheck[][] checks;
    final BackendIndex backendIndex;
    private final SplittableRandom healthRandom;
    private final Distribution networkDelay;

    InstanceViews(SimulationConfig config, VirtualClock clock, EventQueue queue, BackendStations stations,
                  VirtualProber prober) {
        this.clock = clock;
        this.queue = queue;
        this.stations = stations;
        this.model = config.loadBalancer();
        this.duration = config.durationNanos();
        long seed = config.seed();
        int n = stations.n;
        List<Backend> members = new ArrayList<>(n);
        int b = 0;
        for (BackendGroup g : config.backends()) {
            for (int i = 0; i < g.count(); i++, b++) {
                members.add(Backend.of(stations.ids[b], stations.ids[b] + ":80", g.weight(), g.zone(), Map.of()));
            }
        }
        count = model.instances();
        lbs = new LoadBalancer[count];
        loads = new BackendLoad[count][n];
        health = new HealthState[count][n];
        checked = new HealthState[count][n];
        ejected = new boolean[count][n];
        for (int k = 0; k < count; k++) {
            Environment env = Environment.virtual(clock::now, RandomStreams.seed(seed, "lb-" + k)).withProber(prober);
            lbs[k] = LoadBalancer.create(config.createStrategy(env), env, model.ewmaDecayNanos());
            lbs[k].setBackends(members);
            for (int i = 0; i < n; i++) {
                loads[k][i] = lbs[k].endpoint(stations.ids[i]).load();
                health[k][i] = HealthState.HEALTHY;
                checked[k][i] = HealthState.HEALTHY;
            }
        }
        backendIndex = new BackendIndex(stations.ids, loads);
        OutlierConfig outliers = model.outlierDetection();
        detectors = outliers == null ? null : new OutlierDetector[count];
        if (outliers != null) {
            List<String> order = Arrays.asList(stations.ids);
            for (int k = 0; k < count; k++) {
                detectors[k] = OutlierDetector.create(outliers, order, 0);
            }
        }
        HealthCheckModel hc = model.healthCheck();
        checks = hc == null ? null : new ActiveHealthCheck[count][n];
        if (hc != null) {
            for (int k = 0; k < count; k++) {
                for (int i = 0; i < n; i++) {
                    checks[k][i] = ActiveHealthCheck.create(hc.checks(), 0);
                    // An initial state of DOWN or FULLY_DOWN: the backend must pass checks first.
                    setChecked(k, i, checks[k][i].healthState());
                }
            }
        }
        healthRandom = RandomStreams.stream(seed, "health-checks");
        networkDelay = model.networkDelay();
    }

    boolean outlierDetection() {
        return detectors != null;
    }

    /** Rebuilds every instance's picker (the picker-refresh timer). */
    void refresh() {
        for (LoadBalancer lb : lbs) {
            lb.refresh();
        }
    }

    /** Schedules each (instance, backend)'s first check at a random offset within its first interval. */
    void scheduleFirstChecks() {
        if (checks == null) {
            return;
        }
        int n = stations.n;
        for (int k = 0; k < count; k++) {
            for (int i = 0; i < n; i++) {
                long first = (long) (healthRandom.nextDouble() * checks[k][i].nextIntervalNanos());
                if (first < duration) {
                    queue.push(first, Events.payload(Events.HEALTH_SEND, 0, k * n + i));
                }
            }
        }
    }

    /** Instance {@code index / n} checks backend {@code index % n}; the result arrives later. */
    void onHealthSend(int index) {
        HealthCheckModel hc = model.healthCheck();
        int b = index % stations.n;
        long now = clock.now;
        CheckResult result;
        long took;
        if (stations.crashed[b]) {
            result = CheckResult.TIMEOUT;
            took = hc.timeoutNanos();
        } else {
            long rtt = Math.round(networkDelay.sample(healthRandom)) + Math.round(networkDelay.sample(healthRandom));
            double r = stations.speed[b] / stations.slowdown[b];
            long work = (long) Math.ceil(hc.checkWorkNanos() / r);
            long stall = stations.stallDepth[b] > 0 ? stations.stallUntil[b] - now : 0;
            long answer = rtt + work + stall;
            result = answer <= hc.timeoutNanos() ? CheckResult.PASS : CheckResult.TIMEOUT;
            took = result == CheckResult.PASS ? answer : hc.timeoutNanos();
        }
        queue.push(now + took, Events.payload(Events.HEALTH_RESULT, result.ordinal(), index));
    }

    /** Feeds one check result to its state machine and sends the next check after the interval it names. */
    void onHealthResult(int index, CheckResult result) {
        int n = stations.n;
        int k = index / n;
        int b = index % n;
        long now = clock.now;
        ActiveHealthCheck.Status status = checks[k][b].onResult(result, now);
        setChecked(k, b, status.healthState());
        long next = now + status.nextIntervalNanos();
        if (next < duration) {
            queue.push(next, Events.payload(Events.HEALTH_SEND, 0, index));
        }
    }

    private void setChecked(int k, int b, HealthState state) {
        checked[k][b] = state;
        updateView(k, b);
    }

    /**
     * Instance {@code k}'s view of backend {@code b}: down by its checks, else ejected by its
     * outlier detector, else healthy. A change rebuilds that instance's picker.
     */
    private void updateView(int k, int b) {
        HealthState state = checked[k][b] != HealthState.HEALTHY ? checked[k][b]
                : ejected[k][b] ? HealthState.EJECTED : HealthState.HEALTHY;
        if (state != health[k][b]) {
            health[k][b] = state;
            lbs[k].setHealth(stations.ids[b], state);
        }
    }

    /** Tells instance {@code k}'s outlier detector how an attempt on backend {@code b} ended. */
    void recordOutcome(int k, int b, byte outcome, long latencyNanos) {
        RequestOutcome o = switch (outcome) {
            case AttemptSlots.SUCCESS -> RequestOutcome.SUCCESS;
            case AttemptSlots.REJECTED -> RequestOutcome.GATEWAY_ERROR;
            default -> RequestOutcome.LOCAL_ORIGIN_FAILURE;
        };
        applyOutlierEvents(k, detectors[k].record(stations.ids[b], o, latencyNanos, clock.now));
    }

    private void applyOutlierEvents(int k, List<OutlierEvent> events) {
        for (int i = 0; i < events.size(); i++) {
            OutlierEvent e = events.get(i);
            if (e.kind() == OutlierEvent.Kind.SUPPRESSED) {
                continue;
            }
            int b = backendIndex.of(e.backendId());
            ejected[k][b] = e.kind() == OutlierEvent.Kind.EJECTED;
            updateView(k, b);
        }
    }

    /** The outlier detectors' interval sweep; schedules the next one. */
    void onOutlierSweep() {
        long now = clock.now;
        for (int k = 0; k < count; k++) {
            applyOutlierEvents(k, detectors[k].evaluate(now));
        }
        long period = model.outlierDetection().intervalNanos();
        if (now + period < duration) {
            queue.push(now + period, Events.payload(Events.OUTLIER_SWEEP, 0, 0));
        }
    }
}
