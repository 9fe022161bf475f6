package io.sluice.simulator.engine;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.health.CheckResult;
import io.sluice.algorithms.policy.AffinityPolicy;
import io.sluice.algorithms.policy.AttemptFailure;
import io.sluice.algorithms.policy.ClusterPolicy;
import io.sluice.algorithms.policy.RetryPolicy;
import io.sluice.algorithms.policy.RetryTarget;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.model.Distribution;
import io.sluice.simulator.model.LoadBalancerModel;
import io.sluice.simulator.model.ScriptedEvent;
import io.sluice.simulator.workload.Arrival;
import io.sluice.simulator.workload.ArrivalStream;
import io.sluice.simulator.workload.WorkloadException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The discrete-event core of one run: the event loop, and a request's way through the tiers, from
 * its arrival at a load-balancer instance through its attempts (and retries) to its end. What the
 * parts hold is theirs:
 * <ul>
 *   <li>{@link BackendStations}: the backends' service, queues, busy time and scripted troubles;</li>
 *   <li>{@link AttemptSlots}: every attempt under way;</li>
 *   <li>{@link InstanceViews}: the load-balancer instances, their pickers and health views;</li>
 *   <li>{@link VirtualProber}: probes in virtual time;</li>
 *   <li>{@link Devices} and {@link Measurements}: what the run reports.</li>
 * </ul>
 * All of it lives in primitive arrays indexed by slot or backend, so the steady state allocates
 * nothing per event (whatever the strategy's picker allocates aside).
 *
 * <h2>The policy</h2>
 * Every instance runs the config's {@link ClusterPolicy} as a proxy cluster does, through the same
 * functions: {@link RetryPolicy#decide} says whether a failed attempt is retried (a connect failure
 * at a crashed backend or a reset by one, always; a timeout only for an idempotent
 * {@code request-method} unless {@code idempotent-only} is false; never once a request body reached
 * the backend; never a 503 from a full queue), the instance's {@link io.sluice.algorithms.policy.RetryBudget}
 * how many at once, {@link RetryTarget} where to (never a backend the request tried). Each attempt
 * has the policy's response timeout; an attempt that reaches a crashed backend fails at the connect
 * timeout instead. Session persistence: a device is the client, its id the header value or the
 * client address (hashed by a hashing strategy, else kept in the instance's affinity table), or the
 * holder of the cookie the last response set.
 *
 * <h2>Protection</h2>
 * Before its first pick, an arrival passes its instance's {@link Protections}: the tier's rate limits
 * (the proxy's {@code LimitChain}, keyed by the device id) and the cluster's adaptive concurrency
 * limit (the proxy's {@code GradientLimit}), in virtual time. A refused request is counted as
 * rate-limited (429) or shed (503) and goes no further; an admitted one gives its concurrency
 * permit back when it ends, with its latency as the limit's sample (a timeout's too; a crash or a full
 * queue answers at once and gives none).
 *
 * <h2>Events</h2>
 * See {@link Events} for the payload. Zero network delay skips the hop events: a request reaches
 * its backend, and a successful answer its load balancer, within the current event. Failed answers
 * always go through the queue, so a retry never re-enters a backend that is mid-update.
 */
final class Engine implements BackendStations.Answers {
    private static final CheckResult[] CHECK_RESULTS = CheckResult.values();

    private final SimulationConfig config;
    private final VirtualClock clock = new VirtualClock();
    private final EventQueue queue = new EventQueue(1024);
    private long events;
    private final long duration;
    private final long warmUp;
    private final long interval;

    private final LoadBalancerModel lbModel;
    private final AttemptSlots slots = new AttemptSlots();
    private final BackendStations stations;
    private final VirtualProber prober;
    private final InstanceViews views;
    private final Devices devices = new Devices();
    private final Measurements measurements;
    private final Protections protections;

    private final SplittableRandom spreadRandom;
    private final SplittableRandom networkRandom;
    private final Distribution networkDelay;
    private final boolean zeroNetwork;

    // ---- The policy, as the engine applies it.
    private final RetryPolicy retries;
    private final long responseTimeout;
    private final long connectTimeout;
    /** Picker rebuilds on a timer: the policy's period for a time-dependent strategy, else 0. */
    private final long refreshNanos;
    private final boolean idempotent;
    /** The requests carry a body: once it reached a backend, the request is never sent again. */
    private final boolean hasBody;
    private final AffinityPolicy.Mode affinityMode;
    /** Header or source persistence whose key goes to the strategy (a hash), not to a table. */
    private final boolean keyToStrategy;
    /** Header or source persistence through each instance's affinity table. */
    private final boolean keyToTable;

    // ---- Workload. The one pending arrival waits outside the event queue (it would be pushed and
    // popped once per request); the main loop compares it with the queue's head by (time, sequence).
    private final ArrivalStream stream;
    private final Arrival arrival = new Arrival();
    private boolean arrivalPending;
    private long arrivalSequence;

    // ---- Scripted events, sorted by start time (stable).
    private final ScriptedEvent[] script;
    private final int[] scriptBackend;

    /** The load view the instances share, or null. */
    private final SharedLoadView loadView;

    private boolean windowEndPending = true;
    private boolean lastSamplePending = true;

    Engine(SimulationConfig config) {
        this.config = config;
        this.duration = config.durationNanos();
        this.warmUp = config.warmUpNanos();
        this.interval = config.intervalNanos();
        long seed = config.seed();
        lbModel = config.loadBalancer();
        networkDelay = lbModel.networkDelay();
        ClusterPolicy policy = config.policy();
        StrategyRegistry registry = config.registry();
        retries = policy.retries();
        responseTimeout = policy.timeouts().responseNanos();
        connectTimeout = policy.timeouts().connectNanos();
        refreshNanos = config.strategy() == null ? 0 : policy.pickerRefresh().timerNanos(policy.strategy(), registry);
        idempotent = RetryPolicy.isIdempotent(config.requestMethod());
        hasBody = switch (config.requestMethod()) {
            case "POST", "PUT", "PATCH" -> true;
            default -> false;
        };
        AffinityPolicy affinity = policy.affinity();
        affinityMode = affinity.mode();
        boolean hashes = config.strategy() != null && affinity.keyed()
                && AffinityPolicy.hashesKey(policy.strategy(), registry);
        keyToStrategy = affinity.keyToStrategy(hashes);
        keyToTable = affinity.usesTable(hashes);
        stations = new BackendStations(config.backends(), seed, clock, queue, slots);
        stations.answerTo(this);
        prober = new VirtualProber(clock, queue, stations, networkDelay, RandomStreams.stream(seed, "probes"));
        views = new InstanceViews(config, clock, queue, stations, prober, keyToTable);
        prober.use(views.backendIndex);
        protections = new Protections(config);
        loadView = lbModel.loadView() == null ? null : new SharedLoadView(lbModel.loadView(), clock, queue,
                views.loads, duration, RandomStreams.stream(seed, "load-view"));
        measurements = new Measurements(clock, stations, duration, protections.tracksCohort());
        spreadRandom = RandomStreams.stream(seed, "lb-spread");
        networkRandom = RandomStreams.stream(seed, "network");
        zeroNetwork = networkDelay.mean() == 0;

        List<ScriptedEvent> sorted = new ArrayList<>(config.events());
        sorted.sort((x, y) -> Long.compare(x.atNanos(), y.atNanos()));
        script = sorted.toArray(new ScriptedEvent[0]);
        scriptBackend = new int[script.length];
        for (int i = 0; i < script.length; i++) {
            scriptBackend[i] = views.backendIndex.of(script[i].backendId());
        }

        stream = config.workload().open(RandomStreams.seed(seed, "workload"), duration);
    }

    SimulationResult run() {
        try {
            schedulePeriodic();
            scheduleArrival();
            long stopAt = duration + config.drainLimitNanos();
            if (stopAt < duration) {
                stopAt = Long.MAX_VALUE;
            }
            while (arrivalPending || !queue.isEmpty()) {
                boolean takeArrival = arrivalPending && (queue.isEmpty() || arrival.timeNanos < queue.peekTime()
                        || (arrival.timeNanos == queue.peekTime() && arrivalSequence < queue.peekSequence()));
                long t = takeArrival ? arrival.timeNanos : queue.peekTime();
                if (t > stopAt) {
                    break;
                }
                clock.now = t;
                events++;
                if (takeArrival) {
                    onArrival();
                } else {
                    long p = queue.take();
                    dispatch(p);
                    queue.settle();
                }
                if (slots.open == 0 && clock.now >= duration && !windowEndPending && !lastSamplePending) {
                    break;
                }
            }
        } finally {
            stream.close();
        }
        return measurements.result(config, warmUp, devices.result(), events, prober.probes);
    }

    private void schedulePeriodic() {
        for (int i = 0; i < script.length; i++) {
            if (script[i].atNanos() < duration) {
                queue.push(script[i].atNanos(), Events.payload(Events.SCRIPT_START, 0, i));
                ScriptedEvent.Kind kind = script[i].kind();
                if (kind == ScriptedEvent.Kind.SLOWDOWN || kind == ScriptedEvent.Kind.STALL) {
                    queue.push(script[i].untilNanos(), Events.payload(Events.SCRIPT_END, 0, i));
                }
            }
        }
        queue.push(warmUp, Events.payload(Events.WINDOW_START, 0, 0));
        queue.push(duration, Events.payload(Events.WINDOW_END, 0, 0));
        queue.push(Math.min(interval, duration), Events.payload(Events.SAMPLE, 0, 0));
        if (refreshNanos > 0 && refreshNanos < duration) {
            queue.push(refreshNanos, Events.payload(Events.REFRESH, 0, 0));
        }
        long report = lbModel.utilisationReportIntervalNanos();
        if (report > 0 && report < duration) {
            queue.push(report, Events.payload(Events.UTIL_REPORT, 0, 0));
        }
        if (loadView != null) {
            loadView.scheduleFirst();
        }
        if (views.outlierDetection()) {
            long sweep = views.outlierIntervalNanos();
            if (sweep < duration) {
                queue.push(sweep, Events.payload(Events.OUTLIER_SWEEP, 0, 0));
            }
        }
        views.scheduleFirstChecks();
    }

    private void dispatch(long p) {
        int type = Events.type(p);
        int gen = Events.gen(p);
        int index = Events.index(p);
        switch (type) {
            case Events.AT_BACKEND -> {
                if ((slots.gen[index] & Events.GEN_MASK) == gen) {
                    atBackend(index);
                }
            }
            case Events.DONE -> {
                if ((stations.doneGen[index] & Events.GEN_MASK) == gen) {
                    stations.onDone(index);
                }
            }
            case Events.RESPONSE -> {
                if ((slots.gen[index] & Events.GEN_MASK) == gen) {
                    onResponse(index);
                }
            }
            case Events.TIMEOUT -> {
                // An attempt that met a crashed backend is in its connect phase: the connect timeout governs it.
                if ((slots.gen[index] & Events.GEN_MASK) == gen && slots.state[index] == AttemptSlots.PENDING
                        && slots.outcome[index] != AttemptSlots.CONNECT_FAILED) {
                    onTimeout(index);
                }
            }
            case Events.SCRIPT_START -> onScript(index, true);
            case Events.SCRIPT_END -> onScript(index, false);
            case Events.SAMPLE -> onSample();
            case Events.UTIL_REPORT -> onUtilisationReport();
            case Events.HEALTH_SEND -> views.onHealthSend(index);
            case Events.HEALTH_RESULT -> views.onHealthResult(index, CHECK_RESULTS[gen]);
            case Events.PROBE_AT_BACKEND -> prober.onAtBackend(index);
            case Events.PROBE_REPLY -> prober.onReply(index);
            case Events.REFRESH -> onRefresh();
            case Events.OUTLIER_SWEEP -> views.onOutlierSweep();
            case Events.VIEW_PUBLISH -> loadView.onPublish(index);
            case Events.VIEW_DELIVER -> loadView.onDeliver(index);
            case Events.VIEW_EXPIRE -> loadView.onExpire(index);
            case Events.WINDOW_START -> measurements.windowStart();
            case Events.WINDOW_END -> {
                measurements.windowEnd();
                windowEndPending = false;
            }
            default -> throw new IllegalStateException("unknown event type " + type);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Arrivals and attempts.

    private boolean readArrival() {
        arrival.clear();
        if (!stream.next(arrival)) {
            return false;
        }
        if (arrival.timeNanos < clock.now) {
            throw new WorkloadException("workload " + config.workload().describe() + ": arrival at "
                    + arrival.timeNanos + " ns is before the previous one at " + clock.now + " ns; arrivals must be"
                    + " in time order");
        }
        return arrival.timeNanos < duration;
    }

    private void onArrival() {
        long now = clock.now;
        boolean isMeasured = now >= warmUp;
        int lb = views.count == 1 ? 0 : spreadRandom.nextInt(views.count);
        int device = -1;
        if (arrival.deviceId != null) {
            device = devices.of(arrival.deviceId, arrival.keyHash);
        }
        boolean wellBehaved = protections.wellBehaved(device, arrival.deviceId);
        if (isMeasured) {
            measurements.measured++;
            if (wellBehaved) {
                measurements.wellBehavedMeasured++;
            }
        }
        // Protection, as a proxy applies it before routing: the rate limits (429), then the
        // cluster's concurrency limit (503); a refused request never reaches a backend.
        if (!protections.rateAdmits(lb, device, arrival.deviceId, now)) {
            measurements.rateLimited(isMeasured);
            scheduleArrival();
            return;
        }
        if (!protections.concurrencyAdmits(lb)) {
            measurements.shed(isMeasured);
            scheduleArrival();
            return;
        }
        int b = device >= 0 ? sticky(lb, device) : -1;
        if (b < 0) {
            Endpoint e = views.lbs[lb].pick(context(device));
            b = e == null ? -1 : views.backendIndex.of(e);
        }
        if (b < 0) {
            measurements.failure(AttemptSlots.UNAVAILABLE, isMeasured);
            protections.release(lb, -1);
        } else {
            if (device >= 0) {
                int previous = devices.last(device);
                boolean failed = previous >= 0 && previous != b
                        && (stations.crashed[previous] || views.health[lb][previous] != HealthState.HEALTHY);
                devices.landed(device, b, isMeasured, failed);
            }
            views.budgets[lb].requestStarted();
            int s = slots.take();
            slots.arrival[s] = now;
            slots.device[s] = device;
            slots.lb[s] = lb;
            slots.attempt[s] = 0;
            slots.measured[s] = isMeasured;
            slots.multiple[s] = arrival.serviceDemand;
            slots.serviceNanos[s] = arrival.serviceNanos;
            send(s, b);
        }
        scheduleArrival();
    }

    /** What the strategy is told of a request of {@code device} (-1: none): its key, when the policy says so. */
    private RequestContext context(int device) {
        return keyToStrategy && device >= 0 ? devices.context(device) : RequestContext.NONE;
    }

    /**
     * Where session persistence sends a first attempt of {@code device} at instance {@code lb}: the
     * backend its cookie names, or the one its key is remembered at, when available; -1 for the
     * strategy's pick.
     */
    private int sticky(int lb, int device) {
        if (affinityMode == AffinityPolicy.Mode.COOKIE) {
            int c = devices.cookie(device);
            return c >= 0 && views.available(lb, c) ? c : -1;
        }
        if (!keyToTable) {
            return -1;
        }
        String id = views.tables[lb].route(devices.context(device).affinityKey(), clock.now,
                candidate -> views.available(lb, views.backendIndex.of(candidate)), key -> {
                    Endpoint e = views.lbs[lb].pick(RequestContext.NONE);
                    return e == null ? null : e.id();
                });
        return id == null ? -1 : views.backendIndex.of(id);
    }

    private void scheduleArrival() {
        arrivalPending = readArrival();
        if (arrivalPending) {
            arrivalSequence = queue.reserveSequence();
        }
    }

    private long hop() {
        return zeroNetwork ? 0 : Math.round(networkDelay.sample(networkRandom));
    }

    /** The load balancer sends attempt {@code s} to backend {@code b}. */
    private void send(int s, int b) {
        long now = clock.now;
        slots.backend[s] = b;
        slots.sent[s] = now;
        views.loads[slots.lb[s]][b].onRequestStart();
        if (slots.measured[s]) {
            measurements.backendRequests[b]++;
        }
        queue.push(now + responseTimeout, Events.payload(Events.TIMEOUT, slots.gen[s], s));
        long d = hop();
        if (d == 0) {
            atBackend(s);
        } else {
            queue.push(now + d, Events.payload(Events.AT_BACKEND, slots.gen[s], s));
        }
    }

    /** Attempt {@code s} reaches its backend. */
    private void atBackend(int s) {
        int b = slots.backend[s];
        if (stations.crashed[b]) {
            // Nobody answers the connection: the load balancer learns at the connect timeout.
            slots.outcome[s] = AttemptSlots.CONNECT_FAILED;
            queue.push(Math.max(clock.now, slots.sent[s] + connectTimeout),
                    Events.payload(Events.RESPONSE, slots.gen[s], s));
            return;
        }
        if (stations.full(b)) {
            answer(s, AttemptSlots.REJECTED);
            return;
        }
        stations.admit(s, b);
    }

    /** The backend answers attempt {@code s}; the answer travels back to the load balancer. */
    @Override
    public void answer(int s, byte outcome) {
        slots.outcome[s] = outcome;
        if (outcome == AttemptSlots.SUCCESS && zeroNetwork) {
            onResponse(s);
        } else {
            queue.push(clock.now + hop(), Events.payload(Events.RESPONSE, slots.gen[s], s));
        }
    }

    /** The answer to attempt {@code s} reaches the load balancer. */
    private void onResponse(int s) {
        if (slots.state[s] == AttemptSlots.ABANDONED) {
            slots.free(s);
            return;
        }
        long now = clock.now;
        int lb = slots.lb[s];
        int b = slots.backend[s];
        byte outcome = slots.outcome[s];
        endRetry(s);
        views.loads[lb][b].onRequestEnd(now, now - slots.sent[s], outcome == AttemptSlots.SUCCESS);
        if (views.outlierDetection()) {
            views.recordOutcome(lb, b, outcome, now - slots.sent[s]);
        }
        int device = slots.device[s];
        if (affinityMode == AffinityPolicy.Mode.COOKIE && device >= 0
                && (outcome == AttemptSlots.SUCCESS || outcome == AttemptSlots.REJECTED)) {
            // Any response inserts the cookie naming its backend.
            devices.setCookie(device, b);
        }
        if (outcome == AttemptSlots.SUCCESS) {
            measurements.success(slots.arrival[s], slots.sent[s], b, slots.measured[s],
                    protections.wellBehaved(device));
            views.budgets[lb].requestEnded();
            protections.release(lb, now - slots.arrival[s]);
        } else if (outcome == AttemptSlots.REJECTED) {
            end(s, outcome);
        } else {
            retryOrEnd(s, outcome, outcome == AttemptSlots.CONNECT_FAILED ? AttemptFailure.CONNECT_FAILURE
                    : AttemptFailure.RESET);
        }
        slots.free(s);
    }

    private void onTimeout(int s) {
        long now = clock.now;
        slots.state[s] = AttemptSlots.ABANDONED;
        endRetry(s);
        views.loads[slots.lb[s]][slots.backend[s]].onRequestEnd(now, now - slots.sent[s], false);
        if (views.outlierDetection()) {
            views.recordOutcome(slots.lb[s], slots.backend[s], AttemptSlots.TIMEOUT, now - slots.sent[s]);
        }
        retryOrEnd(s, AttemptSlots.TIMEOUT, AttemptFailure.TIMEOUT);
    }

    /** A retry's place in the budget is given back when the retry ends, as the proxy does. */
    private void endRetry(int s) {
        if (slots.retryHeld[s]) {
            slots.retryHeld[s] = false;
            views.budgets[slots.lb[s]].retryEnded();
        }
    }

    /** The request of attempt {@code s} ends without success. */
    private void end(int s, byte outcome) {
        measurements.failure(outcome, slots.measured[s]);
        views.budgets[slots.lb[s]].requestEnded();
        // A timeout is the cluster's latency at its worst; a crash or a full queue answers at once
        // and says nothing of it.
        protections.release(slots.lb[s], outcome == AttemptSlots.TIMEOUT ? clock.now - slots.arrival[s] : -1);
    }

    /**
     * Retries the request of failed attempt {@code s} on a backend it has not tried when the policy,
     * the budget and the membership allow; else ends it.
     */
    private void retryOrEnd(int s, byte outcome, AttemptFailure failure) {
        // The request (head and body) reached the backend unless the connection was never made.
        boolean bodySent = hasBody && failure != AttemptFailure.CONNECT_FAILURE;
        if (!retries.decide(failure, slots.attempt[s], idempotent, bodySent, false).retry()) {
            end(s, outcome);
            return;
        }
        int lb = slots.lb[s];
        int[] before = slots.tried[s];
        int[] tried = before == null ? new int[1] : java.util.Arrays.copyOf(before, before.length + 1);
        tried[tried.length - 1] = slots.backend[s];
        List<String> triedIds = new ArrayList<>(tried.length);
        for (int t : tried) {
            triedIds.add(stations.ids[t]);
        }
        Endpoint e = RetryTarget.choose(views.lbs[lb], context(slots.device[s]), triedIds);
        boolean spends = RetryPolicy.spendsBudget(failure);
        if (e == null || spends && !views.budgets[lb].tryStartRetry(retries)) {
            end(s, outcome);
            return;
        }
        int r = slots.take();
        slots.arrival[r] = slots.arrival[s];
        slots.device[r] = slots.device[s];
        slots.lb[r] = lb;
        slots.attempt[r] = slots.attempt[s] + 1;
        slots.measured[r] = slots.measured[s];
        slots.multiple[r] = slots.multiple[s];
        slots.serviceNanos[r] = slots.serviceNanos[s];
        slots.retryHeld[r] = spends;
        slots.tried[r] = tried;
        if (slots.measured[s]) {
            measurements.retries++;
        }
        send(r, views.backendIndex.of(e));
    }

    // ------------------------------------------------------------------------------------------
    // Scripted events, periodic work.

    private void onScript(int i, boolean start) {
        ScriptedEvent e = script[i];
        int b = scriptBackend[i];
        stations.advance(b);
        stations.accrueBusy(b);
        switch (e.kind()) {
            case CRASH -> stations.crash(b);
            case RECOVER -> stations.crashed[b] = false;
            case SLOWDOWN -> {
                if (start) {
                    stations.slowdown[b] *= e.factor();
                } else {
                    stations.slowdown[b] /= e.factor();
                }
            }
            case STALL -> {
                if (start) {
                    stations.stallDepth[b]++;
                    stations.stallUntil[b] = Math.max(stations.stallUntil[b], e.untilNanos());
                } else {
                    stations.stallDepth[b]--;
                }
            }
            default -> throw new IllegalStateException(e.kind().toString());
        }
        stations.updateRate(b);
        stations.scheduleDone(b);
    }

    /** Each backend's busy time at the last utilisation report. */
    private double[] reportBusy;

    private void onUtilisationReport() {
        long now = clock.now;
        long period = lbModel.utilisationReportIntervalNanos();
        if (reportBusy == null) {
            reportBusy = new double[stations.n];
        }
        for (int b = 0; b < stations.n; b++) {
            double busy = stations.busyNow(b);
            double u = (busy - reportBusy[b]) / ((double) stations.servers[b] * period);
            reportBusy[b] = busy;
            if (lbModel.loadView() != null && lbModel.loadView().inOutage(now)) {
                continue; // the control plane is down: the report is lost, the last one ages
            }
            for (int k = 0; k < views.count; k++) {
                views.loads[k][b].reportUtilisation(u, now);
            }
        }
        if (now + period < duration) {
            queue.push(now + period, Events.payload(Events.UTIL_REPORT, 0, 0));
        }
    }

    private void onRefresh() {
        views.refresh();
        if (clock.now + refreshNanos < duration) {
            queue.push(clock.now + refreshNanos, Events.payload(Events.REFRESH, 0, 0));
        }
    }

    private void onSample() {
        measurements.sample();
        if (clock.now < duration) {
            queue.push(Math.min(clock.now + interval, duration), Events.payload(Events.SAMPLE, 0, 0));
        } else {
            lastSamplePending = false;
        }
    }
}
