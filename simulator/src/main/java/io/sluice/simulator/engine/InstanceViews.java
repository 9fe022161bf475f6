package io.sluice.simulator.engine;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.LoadSignals;
import io.sluice.algorithms.affinity.AffinityTable;
import io.sluice.algorithms.health.ActiveHealthCheck;
import io.sluice.algorithms.health.CheckResult;
import io.sluice.algorithms.health.HealthAggregator;
import io.sluice.algorithms.health.OutlierConfig;
import io.sluice.algorithms.health.OutlierDetector;
import io.sluice.algorithms.health.OutlierEvent;
import io.sluice.algorithms.health.RequestOutcome;
import io.sluice.algorithms.policy.ClusterPolicy;
import io.sluice.algorithms.policy.HealthCheckPolicy;
import io.sluice.algorithms.policy.RetryBudget;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Distribution;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The load-balancer instances and what each one knows, as a proxy cluster would: its
 * {@link LoadBalancer} (picker and loads), its retry budget, its affinity table (header or source
 * persistence with a strategy that does not hash), and its own view of every backend's health:
 * its own active checks and its own outlier detector, combined by a {@link HealthAggregator}, the
 * rule the proxy applies. This is the one place the engine creates load balancers and their loads.
 *
 * <h2>Health checks in virtual time</h2>
 * Each instance checks every backend itself, with the very state machine the proxy runs
 * ({@link ActiveHealthCheck}, HAProxy's rise/fall, starting in the policy's {@code initial-state}).
 * Schedule (HAProxy's {@code process_chk}): a check is sent, its result awaited, then the next is
 * sent after the interval the state machine names ({@code inter}, {@code fastinter},
 * {@code downinter}); the first check of each (instance, backend) goes out at a random offset within
 * its first interval, so a fleet's checks do not fire in lockstep. A check is answered after the
 * network round trip plus the backend group's {@code health-check-work} at the backend's current
 * speed, plus the rest of any stall; beyond the policy's check {@code timeout}, or at a crashed
 * backend (which answers nothing), it is a {@link CheckResult#TIMEOUT}, known at the timeout. A live
 * backend never answers wrongly here, so a check's {@code path} and {@code expect-status} change
 * nothing. Worked example, rise 2 fall 3 inter 100ms timeout 50ms starting fully up, zero network
 * delay, a backend crashing at {@code T} whose next check goes out at {@code t >= T}: three checks in
 * a row time out, at {@code t + 50}, {@code t + 200}, {@code t + 350} ms (each 50 ms timeout followed
 * by 100 ms of {@code fastinter}), so the backend keeps receiving requests until {@code t + 350 ms}.
 */
final class InstanceViews {
    private final VirtualClock clock;
    private final EventQueue queue;
    private final BackendStations stations;
    private final long duration;
    private final HealthCheckPolicy checkPolicy;
    private final OutlierConfig outlierConfig;

    final int count;
    final Environment[] envs;
    final LoadBalancer[] lbs;
    final BackendLoad[][] loads;
    /** Each instance's view of each backend: what its picker sees, kept by its aggregator. */
    final HealthState[][] health;
    private final HealthAggregator[] aggregators;
    /** One passive outlier detector per instance, or null. */
    private final OutlierDetector[] detectors;
    /** One state machine per (instance, backend), or null without health checks. */
    private final ActiveHealthCheck[][] checks;
    /** Each instance's retry budget. */
    final RetryBudget[] budgets;
    /** Each instance's affinity table, or null when the policy keeps none. */
    final AffinityTable[] tables;
    final BackendIndex backendIndex;
    private final SplittableRandom healthRandom;
    private final Distribution networkDelay;
    /** The health-check work of each backend at speed 1. */
    private final long[] checkWork;

    InstanceViews(SimulationConfig config, VirtualClock clock, EventQueue queue, BackendStations stations,
                  VirtualProber prober, boolean affinityTable) {
        this.clock = clock;
        this.queue = queue;
        this.stations = stations;
        this.duration = config.durationNanos();
        ClusterPolicy policy = config.policy();
        this.checkPolicy = policy.healthCheck().orElse(null);
        this.outlierConfig = policy.outlierDetection().orElse(null);
        long seed = config.seed();
        int n = stations.n;
        List<Backend> members = new ArrayList<>(n);
        checkWork = new long[n];
        int b = 0;
        for (BackendGroup g : config.backends()) {
            for (int i = 0; i < g.count(); i++, b++) {
                members.add(Backend.of(stations.ids[b], stations.ids[b] + ":80", g.weight(), g.zone(), Map.of()));
                checkWork[b] = g.healthCheckWorkNanos();
            }
        }
        count = config.loadBalancer().instances();
        envs = new Environment[count];
        lbs = new LoadBalancer[count];
        loads = new BackendLoad[count][n];
        health = new HealthState[count][n];
        aggregators = new HealthAggregator[count];
        budgets = new RetryBudget[count];
        tables = affinityTable ? new AffinityTable[count] : null;
        for (int k = 0; k < count; k++) {
            Environment env = Environment.virtual(clock::now, RandomStreams.seed(seed, "lb-" + k)).withProber(prober);
            envs[k] = env;
            lbs[k] = LoadBalancer.create(config.createStrategy(env), env, LoadSignals.singleWriter(policy.ewmaDecayNanos()));
            lbs[k].setBackends(members);
            for (int i = 0; i < n; i++) {
                loads[k][i] = lbs[k].endpoint(stations.ids[i]).load();
                health[k][i] = HealthState.HEALTHY;
            }
            budgets[k] = new RetryBudget();
            if (tables != null) {
                tables[k] = AffinityTable.create(policy.affinity().table());
            }
        }
        backendIndex = new BackendIndex(stations.ids, loads);
        List<String> order = Arrays.asList(stations.ids);
        for (int k = 0; k < count; k++) {
            int instance = k;
            aggregators[k] = new HealthAggregator((id, state) -> {
                health[instance][backendIndex.of(id)] = state;
                lbs[instance].setHealth(id, state);
            });
            aggregators[k].setBackends(order);
        }
        detectors = outlierConfig == null ? null : new OutlierDetector[count];
        if (outlierConfig != null) {
            for (int k = 0; k < count; k++) {
                detectors[k] = OutlierDetector.create(outlierConfig, order, 0);
            }
        }
        checks = checkPolicy == null ? null : new ActiveHealthCheck[count][n];
        if (checkPolicy != null) {
            for (int k = 0; k < count; k++) {
                for (int i = 0; i < n; i++) {
                    checks[k][i] = ActiveHealthCheck.create(checkPolicy.checks(), 0);
                    // An initial state of down or fully-down: the backend must pass checks first.
                    aggregators[k].setActive(stations.ids[i], checks[k][i].healthState());
                }
            }
        }
        healthRandom = RandomStreams.stream(seed, "health-checks");
        networkDelay = config.loadBalancer().networkDelay();
    }

    boolean outlierDetection() {
        return detectors != null;
    }

    /** The outlier sweep's period; only with outlier detection. */
    long outlierIntervalNanos() {
        return outlierConfig.intervalNanos();
    }

    /** Rebuilds every instance's picker (the picker-refresh timer). */
    void refresh() {
        for (LoadBalancer lb : lbs) {
            lb.refresh();
        }
    }

    /** Whether instance {@code k} may send a new request to backend {@code b}. */
    boolean available(int k, int b) {
        return health[k][b] == HealthState.HEALTHY;
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
        int b = index % stations.n;
        long now = clock.now;
        long timeout = checkPolicy.timeoutNanos();
        CheckResult result;
        long took;
        if (stations.crashed[b]) {
            result = CheckResult.TIMEOUT;
            took = timeout;
        } else {
            long rtt = Math.round(networkDelay.sample(healthRandom)) + Math.round(networkDelay.sample(healthRandom));
            double r = stations.speed[b] / stations.slowdown[b];
            long work = (long) Math.ceil(checkWork[b] / r);
            long stall = stations.stallDepth[b] > 0 ? stations.stallUntil[b] - now : 0;
            long answer = rtt + work + stall;
            result = answer <= timeout ? CheckResult.PASS : CheckResult.TIMEOUT;
            took = result == CheckResult.PASS ? answer : timeout;
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
        aggregators[k].setActive(stations.ids[b], status.healthState());
        long next = now + status.nextIntervalNanos();
        if (next < duration) {
            queue.push(next, Events.payload(Events.HEALTH_SEND, 0, index));
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
            if (e.kind() != OutlierEvent.Kind.SUPPRESSED) {
                aggregators[k].setEjected(e.backendId(), e.kind() == OutlierEvent.Kind.EJECTED);
            }
        }
    }

    /** The outlier detectors' interval sweep; schedules the next one. */
    void onOutlierSweep() {
        long now = clock.now;
        for (int k = 0; k < count; k++) {
            applyOutlierEvents(k, detectors[k].evaluate(now));
        }
        long period = outlierConfig.intervalNanos();
        if (now + period < duration) {
            queue.push(now + period, Events.payload(Events.OUTLIER_SWEEP, 0, 0));
        }
    }
}
