package io.sluice.simulator.engine;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.LoadSignals;
import io.sluice.algorithms.Prober;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Tried;
import io.sluice.algorithms.health.ActiveHealthCheck;
import io.sluice.algorithms.health.CheckResult;
import io.sluice.algorithms.health.OutlierConfig;
import io.sluice.algorithms.health.OutlierDetector;
import io.sluice.algorithms.health.OutlierEvent;
import io.sluice.algorithms.health.RequestOutcome;
import io.sluice.simulator.metrics.Affinity;
import io.sluice.simulator.metrics.BackendResult;
import io.sluice.simulator.metrics.IntervalSample;
import io.sluice.simulator.metrics.LatencySummary;
import io.sluice.simulator.metrics.Outcomes;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Discipline;
import io.sluice.simulator.model.Distribution;
import io.sluice.simulator.model.HealthCheckModel;
import io.sluice.simulator.model.LoadBalancerModel;
import io.sluice.simulator.model.ScriptedEvent;
import io.sluice.simulator.workload.Arrival;
import io.sluice.simulator.workload.ArrivalStream;
import io.sluice.simulator.workload.WorkloadException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * The discrete-event core of one run. All request, backend and probe state lives in primitive
 * arrays indexed by slot; slots are pooled, so the steady state allocates nothing per event
 * (whatever the strategy's picker allocates aside).
 *
 * <h2>Requests and attempts</h2>
 * A slot is one attempt: it is taken when an attempt is sent and freed when its answer (success,
 * error, rejection) reaches the load balancer. A timed-out attempt is abandoned by the load balancer
 * at the timeout (it ends the attempt in its {@link BackendLoad} then) but keeps its slot until the
 * backend's late answer arrives, because the backend is still working on it. A retry takes a new
 * slot that carries the request's arrival time, device and instance.
 *
 * <h2>Backends: one progress clock per backend</h2>
 * Each backend integrates its work done, {@code P(t)}, with {@code dP/dt = rate * share} where
 * {@code rate = speed / slowdown} (0 while stalled) and {@code share = 1} for FIFO (each request in
 * service progresses at the full rate) or {@code min(1, c/n)} under processor sharing. A request
 * entering service with work {@code w} gets the tag {@code P + w} and finishes when {@code P}
 * reaches it, so the requests in service form a min-heap of tags and only the earliest has a
 * completion event. Any change of rate or share (slowdown, stall, a PS arrival) just advances
 * {@code P} and reschedules that one event; superseded events are recognised by a per-backend
 * generation number and skipped. For FIFO without scripted events this is exactly
 * {@code start + work / speed}.
 *
 * <h2>Events</h2>
 * The payload packs {@code type (8 bits) | generation (24 bits) | index (32 bits)}. Zero network
 * delay skips the hop events: a request reaches its backend, and a successful answer its load
 * balancer, within the current event. Failed answers always go through the queue, so a retry never
 * re-enters a backend that is mid-update.
 */
final class Engine {
    // Event types.
    private static final int EV_AT_BACKEND = 2;
    private static final int EV_DONE = 3;
    private static final int EV_RESPONSE = 4;
    private static final int EV_TIMEOUT = 5;
    private static final int EV_SCRIPT_START = 6;
    private static final int EV_SCRIPT_END = 7;
    private static final int EV_SAMPLE = 8;
    private static final int EV_UTIL_REPORT = 9;
    private static final int EV_HEALTH_SEND = 10;
    private static final int EV_HEALTH_RESULT = 11;
    private static final int EV_PROBE_AT_BACKEND = 12;
    private static final int EV_PROBE_REPLY = 13;
    private static final int EV_WINDOW_START = 14;
    private static final int EV_WINDOW_END = 15;
    private static final int EV_REFRESH = 16;
    private static final int EV_OUTLIER_SWEEP = 17;

    private static final int GEN_MASK = 0xFFFFFF;
    private static final CheckResult[] CHECK_RESULTS = CheckResult.values();

    // Attempt outcomes.
    private static final byte SUCCESS = 0;
    private static final byte ERROR = 1;
    private static final byte REJECTED = 2;
    private static final byte TIMEOUT = 3;
    private static final byte UNAVAILABLE = 4;

    // Attempt states.
    private static final byte FREE = 0;
    private static final byte PENDING = 1;
    private static final byte ABANDONED = 2;

    private final SimulationConfig config;
    private final EventQueue queue = new EventQueue(1024);
    private long now;
    private long events;
    private final long duration;
    private final long warmUp;
    private final long interval;

    // ---- Load balancer tier.
    private final LoadBalancerModel lbModel;
    private final int nLb;
    private final LoadBalancer[] lbs;
    private final BackendLoad[][] loads;
    /** Each instance's view of each backend: what its picker sees, from the two below. */
    private final HealthState[][] health;
    /** The active checks' verdict per (instance, backend). */
    private final HealthState[][] checked;
    /** Ejected by the instance's outlier detector. */
    private final boolean[][] ejected;
    /** One passive outlier detector per instance, or null. */
    private final OutlierDetector[] detectors;
    /** One state machine per (instance, backend): each instance checks every backend itself. */
    private final ActiveHealthCheck[][] checks;
    private final BackendIndex backendIndex;
    private final SplittableRandom spreadRandom;
    private final SplittableRandom networkRandom;
    private final SplittableRandom healthRandom;
    private final SplittableRandom probeRandom;
    private final Distribution networkDelay;
    private final boolean zeroNetwork;
    private final long timeout;
    private double retryTokens;
    private final double retryTokenCap;

    // ---- Backends.
    private final int n;
    private final String[] ids;
    private final int[] servers;
    private final int[] queueLimit;
    private final boolean[] ps;
    private final double[] speed;
    private final double[] slowdown;
    private final int[] stallDepth;
    private final long[] stallUntil;
    private final boolean[] crashed;
    /** speed / slowdown, or 0 while stalled or crashed; recomputed only when one of those changes. */
    private final double[] rateNow;
    private final Distribution[] service;
    private final SplittableRandom[] serviceRandom;
    private final int[] inSystem;
    private final double[] progress;
    private final long[] progressStamp;
    private final int[] doneGen;
    private final double[][] tagHeap;
    private final int[][] jobHeap;
    private final int[] heapSize;
    private final int[][] waiting;
    private final int[] waitHead;
    private final int[] waitCount;
    private final double[] busy;
    private final long[] busyStamp;
    private final double[] busyAtWindowStart;
    private final double[] busyAtWindowEnd;
    private final double[] busyAtReport;
    private final double[] busyAtSample;
    private final long[] backendRequests;
    private final long[] backendCompleted;
    private final long[] backendLatencySum;

    // ---- Attempt slots.
    private int slotCapacity = 1024;
    private long[] sArrival = new long[slotCapacity];
    private long[] sSent = new long[slotCapacity];
    private double[] sDemand = new double[slotCapacity];
    private double[] sMultiple = new double[slotCapacity];
    /** An arrival's observed service time (ns at speed 1), or -1: see {@code Arrival.serviceNanos}. */
    private long[] sServiceNanos = new long[slotCapacity];
    private int[] sDevice = new int[slotCapacity];
    private int[] sLb = new int[slotCapacity];
    private int[] sBackend = new int[slotCapacity];
    private int[] sAttempt = new int[slotCapacity];
    private int[] sGen = new int[slotCapacity];
    private byte[] sState = new byte[slotCapacity];
    private byte[] sOutcome = new byte[slotCapacity];
    private boolean[] sMeasured = new boolean[slotCapacity];
    private int[] freeSlots = new int[slotCapacity];
    private int freeCount;
    private int slotsUsed;
    private int attemptsOpen;

    // ---- Probes.
    private int probeCapacity = 64;
    private Endpoint[] pEndpoint = new Endpoint[probeCapacity];
    private Prober.ProbeSink[] pSink = new Prober.ProbeSink[probeCapacity];
    private int[] pBackend = new int[probeCapacity];
    private int[] pInFlight = new int[probeCapacity];
    private long[] pLatency = new long[probeCapacity];
    private int[] freeProbes = new int[probeCapacity];
    private int freeProbeCount;
    private int probesUsed;
    private long probes;

    // ---- Devices (affinity keys).
    private final Map<String, Integer> deviceIndex = new HashMap<>();
    private RequestContext[] deviceContext = new RequestContext[256];
    private int[] deviceLast = new int[256];
    private byte[] deviceFlags = new byte[256];
    private int devices;
    private static final byte SEEN = 1;
    private static final byte MOVED = 2;
    private static final byte MOVED_BY_FAILURE = 4;
    private long requestsWithPrevious;
    private long affinityHits;

    // ---- Workload. The one pending arrival waits outside the event queue (it would be pushed and
    // popped once per request); the main loop compares it with the queue's head by (time, sequence).
    private final ArrivalStream stream;
    private final Arrival arrival = new Arrival();
    private boolean arrivalPending;
    private long arrivalSequence;

    // ---- Scripted events, sorted by start time (stable).
    private final ScriptedEvent[] script;
    private final int[] scriptBackend;

    // ---- Measurement.
    private final Histogram latency = new Histogram(3);
    private long latencySum;
    private long measured;
    private long succeeded;
    private long errors;
    private long timeouts;
    private long rejected;
    private long unavailable;
    private long retries;
    private final Histogram intervalLatency = new Histogram(3);
    private long intervalCompleted;
    private long intervalLatencySum;
    private long intervalFailed;
    private long intervalStart;
    private final List<IntervalSample> intervals = new ArrayList<>();

    Engine(SimulationConfig config) {
        this.config = config;
        this.duration = config.durationNanos();
        this.warmUp = config.warmUpNanos();
        this.interval = config.intervalNanos();
        long seed = config.seed();

        // Backends.
        this.n = config.backendCount();
        ids = new String[n];
        servers = new int[n];
        queueLimit = new int[n];
        ps = new boolean[n];
        speed = new double[n];
        slowdown = new double[n];
        stallDepth = new int[n];
        stallUntil = new long[n];
        crashed = new boolean[n];
        rateNow = new double[n];
        service = new Distribution[n];
        serviceRandom = new SplittableRandom[n];
        inSystem = new int[n];
        progress = new double[n];
        progressStamp = new long[n];
        doneGen = new int[n];
        tagHeap = new double[n][];
        jobHeap = new int[n][];
        heapSize = new int[n];
        waiting = new int[n][];
        waitHead = new int[n];
        waitCount = new int[n];
        busy = new double[n];
        busyStamp = new long[n];
        busyAtWindowStart = new double[n];
        busyAtWindowEnd = new double[n];
        busyAtReport = new double[n];
        busyAtSample = new double[n];
        backendRequests = new long[n];
        backendCompleted = new long[n];
        backendLatencySum = new long[n];
        List<Backend> members = new ArrayList<>(n);
        int b = 0;
        for (BackendGroup g : config.backends()) {
            for (int i = 0; i < g.count(); i++, b++) {
                ids[b] = g.backendId(i);
                servers[b] = g.concurrency();
                // Held at most concurrency + queue capacity, without overflowing int.
                queueLimit[b] = (int) Math.min(Integer.MAX_VALUE, (long) g.concurrency() + g.queueCapacity());
                ps[b] = g.discipline() == Discipline.PROCESSOR_SHARING;
                speed[b] = g.speed();
                slowdown[b] = 1.0;
                rateNow[b] = g.speed();
                service[b] = g.serviceTime();
                serviceRandom[b] = RandomStreams.stream(seed, "backend-" + ids[b]);
                int cap = ps[b] ? 8 : Math.min(g.concurrency(), 1024);
                tagHeap[b] = new double[cap];
                jobHeap[b] = new int[cap];
                waiting[b] = new int[ps[b] ? 1 : 16];
                members.add(Backend.of(ids[b], ids[b] + ":80", g.weight(), g.zone(), Map.of()));
            }
        }

        // Load balancer instances, each with its own strategy, environment and view.
        lbModel = config.loadBalancer();
        nLb = lbModel.instances();
        lbs = new LoadBalancer[nLb];
        loads = new BackendLoad[nLb][n];
        health = new HealthState[nLb][n];
        checked = new HealthState[nLb][n];
        ejected = new boolean[nLb][n];
        for (int k = 0; k < nLb; k++) {
            Environment env = Environment.virtual(this::now, RandomStreams.seed(seed, "lb-" + k))
                    .withProber(new VirtualProber());
            lbs[k] = LoadBalancer.create(config.createStrategy(env), env,
                    LoadSignals.singleWriter(lbModel.ewmaDecayNanos()));
            lbs[k].setBackends(members);
            for (int i = 0; i < n; i++) {
                loads[k][i] = lbs[k].endpoint(ids[i]).load();
                health[k][i] = HealthState.HEALTHY;
                checked[k][i] = HealthState.HEALTHY;
            }
        }
        backendIndex = new BackendIndex(ids, loads);
        OutlierConfig outliers = lbModel.outlierDetection();
        detectors = outliers == null ? null : new OutlierDetector[nLb];
        if (outliers != null) {
            List<String> order = Arrays.asList(ids);
            for (int k = 0; k < nLb; k++) {
                detectors[k] = OutlierDetector.create(outliers, order, 0);
            }
        }
        HealthCheckModel hc = lbModel.healthCheck();
        checks = hc == null ? null : new ActiveHealthCheck[nLb][n];
        if (hc != null) {
            for (int k = 0; k < nLb; k++) {
                for (int i = 0; i < n; i++) {
                    checks[k][i] = ActiveHealthCheck.create(hc.checks(), 0);
                    // An initial state of DOWN or FULLY_DOWN: the backend must pass checks first.
                    setChecked(k, i, checks[k][i].healthState());
                }
            }
        }
        spreadRandom = RandomStreams.stream(seed, "lb-spread");
        networkRandom = RandomStreams.stream(seed, "network");
        healthRandom = RandomStreams.stream(seed, "health-checks");
        probeRandom = RandomStreams.stream(seed, "probes");
        networkDelay = lbModel.networkDelay();
        zeroNetwork = networkDelay.mean() == 0;
        timeout = lbModel.requestTimeoutNanos();
        retryTokenCap = Math.max(10.0, 100.0 * lbModel.retryBudgetRatio());

        // Scripted events in time order; ties keep the configured order.
        List<ScriptedEvent> sorted = new ArrayList<>(config.events());
        sorted.sort((x, y) -> Long.compare(x.atNanos(), y.atNanos()));
        script = sorted.toArray(new ScriptedEvent[0]);
        scriptBackend = new int[script.length];
        for (int i = 0; i < script.length; i++) {
            scriptBackend[i] = backendIndex.of(script[i].backendId());
        }

        stream = config.workload().open(RandomStreams.seed(seed, "workload"), duration);
    }

    private long now() {
        return now;
    }

    private static long payload(int type, int gen, int index) {
        return ((long) type << 56) | ((long) (gen & GEN_MASK) << 32) | (index & 0xFFFFFFFFL);
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
                now = t;
                events++;
                if (takeArrival) {
                    onArrival();
                } else {
                    long p = queue.take();
                    dispatch(p);
                    queue.settle();
                }
                if (attemptsOpen == 0 && now >= duration && !pendingPeriodicBefore()) {
                    break;
                }
            }
        } finally {
            stream.close();
        }
        return result();
    }

    /** Whether events that must still run (the window end, the last samples) are pending. */
    private boolean pendingPeriodicBefore() {
        return windowEndPending || lastSamplePending;
    }

    private boolean windowEndPending = true;
    private boolean lastSamplePending = true;

    private void schedulePeriodic() {
        for (int i = 0; i < script.length; i++) {
            if (script[i].atNanos() < duration) {
                queue.push(script[i].atNanos(), payload(EV_SCRIPT_START, 0, i));
                ScriptedEvent.Kind kind = script[i].kind();
                if (kind == ScriptedEvent.Kind.SLOWDOWN || kind == ScriptedEvent.Kind.STALL) {
                    queue.push(script[i].untilNanos(), payload(EV_SCRIPT_END, 0, i));
                }
            }
        }
        queue.push(warmUp, payload(EV_WINDOW_START, 0, 0));
        queue.push(duration, payload(EV_WINDOW_END, 0, 0));
        queue.push(Math.min(interval, duration), payload(EV_SAMPLE, 0, 0));
        long refresh = lbModel.pickerRefreshIntervalNanos();
        if (refresh > 0 && refresh < duration) {
            queue.push(refresh, payload(EV_REFRESH, 0, 0));
        }
        long report = lbModel.utilisationReportIntervalNanos();
        if (report > 0 && report < duration) {
            queue.push(report, payload(EV_UTIL_REPORT, 0, 0));
        }
        if (detectors != null) {
            long sweep = lbModel.outlierDetection().intervalNanos();
            if (sweep < duration) {
                queue.push(sweep, payload(EV_OUTLIER_SWEEP, 0, 0));
            }
        }
        HealthCheckModel hc = lbModel.healthCheck();
        if (hc != null) {
            for (int k = 0; k < nLb; k++) {
                for (int i = 0; i < n; i++) {
                    long first = (long) (healthRandom.nextDouble() * checks[k][i].nextIntervalNanos());
                    if (first < duration) {
                        queue.push(first, payload(EV_HEALTH_SEND, 0, k * n + i));
                    }
                }
            }
        }
    }

    private void dispatch(long p) {
        int type = (int) (p >>> 56);
        int gen = (int) (p >>> 32) & GEN_MASK;
        int index = (int) p;
        switch (type) {
            case EV_AT_BACKEND -> {
                if ((sGen[index] & GEN_MASK) == gen) {
                    atBackend(index);
                }
            }
            case EV_DONE -> {
                if ((doneGen[index] & GEN_MASK) == gen) {
                    onDone(index);
                }
            }
            case EV_RESPONSE -> {
                if ((sGen[index] & GEN_MASK) == gen) {
                    onResponse(index);
                }
            }
            case EV_TIMEOUT -> {
                if ((sGen[index] & GEN_MASK) == gen && sState[index] == PENDING) {
                    onTimeout(index);
                }
            }
            case EV_SCRIPT_START -> onScript(index, true);
            case EV_SCRIPT_END -> onScript(index, false);
            case EV_SAMPLE -> onSample();
            case EV_UTIL_REPORT -> onUtilisationReport();
            case EV_HEALTH_SEND -> onHealthSend(index);
            case EV_HEALTH_RESULT -> onHealthResult(index, CHECK_RESULTS[gen]);
            case EV_PROBE_AT_BACKEND -> onProbeAtBackend(index);
            case EV_PROBE_REPLY -> onProbeReply(index);
            case EV_REFRESH -> onRefresh();
            case EV_OUTLIER_SWEEP -> onOutlierSweep();
            case EV_WINDOW_START -> snapshotBusy(busyAtWindowStart);
            case EV_WINDOW_END -> {
                snapshotBusy(busyAtWindowEnd);
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
        if (arrival.timeNanos < now) {
            throw new WorkloadException("workload " + config.workload().describe() + ": arrival at "
                    + arrival.timeNanos + " ns is before the previous one at " + now + " ns; arrivals must be in"
                    + " time order");
        }
        return arrival.timeNanos < duration;
    }

    private void onArrival() {
        boolean isMeasured = now >= warmUp;
        int lb = nLb == 1 ? 0 : spreadRandom.nextInt(nLb);
        int device = -1;
        RequestContext ctx = RequestContext.NONE;
        if (arrival.deviceId != null) {
            device = device(arrival.deviceId, arrival.keyHash);
            ctx = deviceContext[device];
        }
        if (isMeasured) {
            measured++;
        }
        if (lbModel.retryBudgetRatio() > 0) {
            retryTokens = Math.min(retryTokenCap, retryTokens + lbModel.retryBudgetRatio());
        }
        Endpoint e = lbs[lb].pick(ctx);
        if (e == null) {
            recordEnd(UNAVAILABLE, isMeasured);
        } else {
            int b = backendIndex.of(e);
            if (device >= 0) {
                noteLanding(device, b, lb, isMeasured);
            }
            int s = takeSlot();
            sArrival[s] = now;
            sDevice[s] = device;
            sLb[s] = lb;
            sAttempt[s] = 0;
            sMeasured[s] = isMeasured;
            sMultiple[s] = arrival.serviceDemand;
            sServiceNanos[s] = arrival.serviceNanos;
            send(s, b);
        }
        scheduleArrival();
    }

    private void scheduleArrival() {
        arrivalPending = readArrival();
        if (arrivalPending) {
            arrivalSequence = queue.reserveSequence();
        }
    }

    private int device(String id, long keyHash) {
        Integer known = deviceIndex.get(id);
        if (known != null) {
            return known;
        }
        int d = devices++;
        if (d == deviceContext.length) {
            int len = d * 2;
            deviceContext = Arrays.copyOf(deviceContext, len);
            deviceLast = Arrays.copyOf(deviceLast, len);
            deviceFlags = Arrays.copyOf(deviceFlags, len);
        }
        deviceContext[d] = RequestContext.ofHash(id, keyHash);
        deviceLast[d] = -1;
        deviceIndex.put(id, d);
        return d;
    }

    private void noteLanding(int device, int b, int lb, boolean isMeasured) {
        int previous = deviceLast[device];
        if (isMeasured) {
            deviceFlags[device] |= SEEN;
            if (previous >= 0) {
                requestsWithPrevious++;
                if (previous == b) {
                    affinityHits++;
                } else {
                    deviceFlags[device] |= MOVED;
                    if (crashed[previous] || health[lb][previous] != HealthState.HEALTHY) {
                        deviceFlags[device] |= MOVED_BY_FAILURE;
                    }
                }
            }
        }
        deviceLast[device] = b;
    }

    private int takeSlot() {
        attemptsOpen++;
        if (freeCount > 0) {
            int s = freeSlots[--freeCount];
            sState[s] = PENDING;
            return s;
        }
        if (slotsUsed == slotCapacity) {
            growSlots();
        }
        int s = slotsUsed++;
        sState[s] = PENDING;
        return s;
    }

    private void growSlots() {
        int len = slotCapacity * 2;
        sArrival = Arrays.copyOf(sArrival, len);
        sSent = Arrays.copyOf(sSent, len);
        sDemand = Arrays.copyOf(sDemand, len);
        sMultiple = Arrays.copyOf(sMultiple, len);
        sServiceNanos = Arrays.copyOf(sServiceNanos, len);
        sDevice = Arrays.copyOf(sDevice, len);
        sLb = Arrays.copyOf(sLb, len);
        sBackend = Arrays.copyOf(sBackend, len);
        sAttempt = Arrays.copyOf(sAttempt, len);
        sGen = Arrays.copyOf(sGen, len);
        sState = Arrays.copyOf(sState, len);
        sOutcome = Arrays.copyOf(sOutcome, len);
        sMeasured = Arrays.copyOf(sMeasured, len);
        freeSlots = Arrays.copyOf(freeSlots, len);
        slotCapacity = len;
    }

    private void freeSlot(int s) {
        attemptsOpen--;
        sState[s] = FREE;
        sGen[s]++;
        freeSlots[freeCount++] = s;
    }

    private long hop() {
        return zeroNetwork ? 0 : Math.round(networkDelay.sample(networkRandom));
    }

    /** A probe's hop: the same delay distribution, drawn from the probes' own stream. */
    private long probeHop() {
        return zeroNetwork ? 0 : Math.round(networkDelay.sample(probeRandom));
    }

    /** The load balancer sends attempt {@code s} to backend {@code b}. */
    private void send(int s, int b) {
        sBackend[s] = b;
        sSent[s] = now;
        loads[sLb[s]][b].onRequestStart();
        if (sMeasured[s]) {
            backendRequests[b]++;
        }
        if (timeout > 0) {
            queue.push(now + timeout, payload(EV_TIMEOUT, sGen[s], s));
        }
        long d = hop();
        if (d == 0) {
            atBackend(s);
        } else {
            queue.push(now + d, payload(EV_AT_BACKEND, sGen[s], s));
        }
    }

    /** Attempt {@code s} reaches its backend. */
    private void atBackend(int s) {
        int b = sBackend[s];
        if (crashed[b]) {
            // Nobody answers: the load balancer learns at the connect timeout.
            sOutcome[s] = ERROR;
            queue.push(Math.max(now, sSent[s] + lbModel.connectTimeoutNanos()), payload(EV_RESPONSE, sGen[s], s));
            return;
        }
        if (inSystem[b] >= queueLimit[b]) {
            answer(s, REJECTED);
            return;
        }
        double multiple = sMultiple[s];
        double work = sServiceNanos[s] >= 0 ? sServiceNanos[s]
                : Double.isNaN(multiple) ? service[b].sample(serviceRandom[b]) : multiple * service[b].mean();
        sDemand[s] = work;
        advance(b);
        accrueBusy(b);
        inSystem[b]++;
        if (ps[b]) {
            pushJob(b, s, progress[b] + work);
            scheduleDone(b);
        } else if (heapSize[b] < servers[b]) {
            if (pushJob(b, s, progress[b] + work)) {
                scheduleDone(b);
            }
        } else {
            enqueue(b, s);
        }
    }

    /** Backend {@code b} answers attempt {@code s}; the answer travels back to the load balancer. */
    private void answer(int s, byte outcome) {
        sOutcome[s] = outcome;
        if (outcome == SUCCESS && zeroNetwork) {
            onResponse(s);
        } else {
            queue.push(now + hop(), payload(EV_RESPONSE, sGen[s], s));
        }
    }

    /** The answer to attempt {@code s} reaches the load balancer. */
    private void onResponse(int s) {
        if (sState[s] == ABANDONED) {
            freeSlot(s);
            return;
        }
        int b = sBackend[s];
        byte outcome = sOutcome[s];
        loads[sLb[s]][b].onRequestEnd(now, now - sSent[s], outcome == SUCCESS);
        if (detectors != null) {
            recordOutcome(sLb[s], b, outcome, now - sSent[s]);
        }
        if (outcome == SUCCESS) {
            if (sMeasured[s]) {
                backendCompleted[b]++;
                backendLatencySum[b] += now - sSent[s];
            }
            recordSuccess(s);
        } else {
            retryOrEnd(s, outcome);
        }
        freeSlot(s);
    }

    private void onTimeout(int s) {
        sState[s] = ABANDONED;
        loads[sLb[s]][sBackend[s]].onRequestEnd(now, now - sSent[s], false);
        if (detectors != null) {
            recordOutcome(sLb[s], sBackend[s], TIMEOUT, now - sSent[s]);
        }
        if (lbModel.retryOnTimeout()) {
            retryOrEnd(s, TIMEOUT);
        } else {
            recordEnd(TIMEOUT, sMeasured[s]);
        }
    }

    /** Retries the request of failed attempt {@code s} on another backend if the budget allows, else ends it. */
    private void retryOrEnd(int s, byte outcome) {
        if (sAttempt[s] + 1 < lbModel.maxAttempts() && retryTokens >= 1.0) {
            int lb = sLb[s];
            int failedOn = sBackend[s];
            int device = sDevice[s];
            RequestContext ctx = device >= 0 ? deviceContext[device] : RequestContext.NONE;
            // A pick that excludes the backend that failed, as the proxy's retry does: no re-picks
            // that spend idle-queue entries or probes, and a hash walks on to the key's next backend.
            Endpoint e = lbs[lb].pick(ctx, Tried.of(loads[lb][failedOn]));
            if (e != null) {
                retryTokens -= 1.0;
                int r = takeSlot();
                sArrival[r] = sArrival[s];
                sDevice[r] = device;
                sLb[r] = lb;
                sAttempt[r] = sAttempt[s] + 1;
                sMeasured[r] = sMeasured[s];
                sMultiple[r] = sMultiple[s];
                sServiceNanos[r] = sServiceNanos[s];
                if (sMeasured[s]) {
                    retries++;
                }
                send(r, backendIndex.of(e));
                return;
            }
        }
        recordEnd(outcome, sMeasured[s]);
    }

    // ------------------------------------------------------------------------------------------
    // Backend service: progress clock, in-service heap, waiting queue.

    private void updateRate(int b) {
        rateNow[b] = stallDepth[b] > 0 || crashed[b] ? 0.0 : speed[b] / slowdown[b];
    }

    /** Work per nanosecond each request in service receives. */
    private double perJobRate(int b) {
        double r = rateNow[b];
        if (ps[b]) {
            int held = heapSize[b];
            if (held > servers[b]) {
                r = r * servers[b] / held;
            }
        }
        return r;
    }

    /** Brings backend {@code b}'s progress clock to now; call before any change of its rate or share. */
    private void advance(int b) {
        long dt = now - progressStamp[b];
        if (dt > 0 && heapSize[b] > 0) {
            progress[b] += dt * perJobRate(b);
        }
        progressStamp[b] = now;
    }

    /** Accumulates busy server time up to now; call before any change of {@code inSystem} or crash state. */
    private void accrueBusy(int b) {
        long dt = now - busyStamp[b];
        if (dt > 0) {
            int busyServers = crashed[b] ? 0 : Math.min(inSystem[b], servers[b]);
            busy[b] += (double) dt * busyServers;
        }
        busyStamp[b] = now;
    }

    /** (Re)schedules the completion of the earliest tag; supersedes any earlier completion event. */
    private void scheduleDone(int b) {
        doneGen[b]++;
        if (heapSize[b] == 0) {
            return;
        }
        double r = perJobRate(b);
        if (r <= 0) {
            return;
        }
        double remaining = tagHeap[b][0] - progress[b];
        // At speed 1 (the common case) skip the division: x / 1.0 == x exactly, so the result is the same.
        long dt = remaining <= 0 ? 0 : (long) Math.ceil(r == 1.0 ? remaining : remaining / r);
        queue.push(now + dt, payload(EV_DONE, doneGen[b], b));
    }

    private void onDone(int b) {
        advance(b);
        accrueBusy(b);
        double p = progress[b];
        // Ceil in scheduleDone makes p reach the tag; the slack absorbs floating-point rounding only.
        double slack = 1e-9 + Math.abs(p) * 1e-12;
        double[] tags = tagHeap[b];
        while (heapSize[b] > 0 && tags[0] <= p + slack) {
            int s = popJob(b);
            inSystem[b]--;
            answer(s, SUCCESS);
            tags = tagHeap[b];
        }
        if (!ps[b]) {
            while (waitCount[b] > 0 && heapSize[b] < servers[b]) {
                int next = dequeue(b);
                pushJob(b, next, p + sDemand[next]);
            }
        }
        scheduleDone(b);
    }

    /** Pushes job {@code s} with {@code tag}; returns true when it became the earliest. */
    private boolean pushJob(int b, int s, double tag) {
        int size = heapSize[b];
        if (size == tagHeap[b].length) {
            tagHeap[b] = Arrays.copyOf(tagHeap[b], size * 2);
            jobHeap[b] = Arrays.copyOf(jobHeap[b], size * 2);
        }
        double[] tags = tagHeap[b];
        int[] jobs = jobHeap[b];
        int i = size;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (tags[parent] <= tag) {
                break;
            }
            tags[i] = tags[parent];
            jobs[i] = jobs[parent];
            i = parent;
        }
        tags[i] = tag;
        jobs[i] = s;
        heapSize[b] = size + 1;
        return i == 0;
    }

    private int popJob(int b) {
        double[] tags = tagHeap[b];
        int[] jobs = jobHeap[b];
        int top = jobs[0];
        int size = --heapSize[b];
        if (size > 0) {
            double tag = tags[size];
            int job = jobs[size];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= size) {
                    break;
                }
                if (c + 1 < size && tags[c + 1] < tags[c]) {
                    c++;
                }
                if (tag <= tags[c]) {
                    break;
                }
                tags[i] = tags[c];
                jobs[i] = jobs[c];
                i = c;
            }
            tags[i] = tag;
            jobs[i] = job;
        }
        return top;
    }

    private void enqueue(int b, int s) {
        // Ring buffer of power-of-two length: index & (length - 1) wraps.
        int[] q = waiting[b];
        if (waitCount[b] == q.length) {
            int[] bigger = new int[q.length * 2];
            for (int i = 0; i < waitCount[b]; i++) {
                bigger[i] = q[(waitHead[b] + i) & (q.length - 1)];
            }
            waiting[b] = q = bigger;
            waitHead[b] = 0;
        }
        q[(waitHead[b] + waitCount[b]) & (q.length - 1)] = s;
        waitCount[b]++;
    }

    private int dequeue(int b) {
        int[] q = waiting[b];
        int s = q[waitHead[b]];
        waitHead[b] = (waitHead[b] + 1) & (q.length - 1);
        waitCount[b]--;
        return s;
    }

    // ------------------------------------------------------------------------------------------
    // Scripted events.

    private void onScript(int i, boolean start) {
        ScriptedEvent e = script[i];
        int b = scriptBackend[i];
        advance(b);
        accrueBusy(b);
        switch (e.kind()) {
            case CRASH -> crash(b);
            case RECOVER -> crashed[b] = false;
            case SLOWDOWN -> {
                if (start) {
                    slowdown[b] *= e.factor();
                } else {
                    slowdown[b] /= e.factor();
                }
            }
            case STALL -> {
                if (start) {
                    stallDepth[b]++;
                    stallUntil[b] = Math.max(stallUntil[b], e.untilNanos());
                } else {
                    stallDepth[b]--;
                }
            }
            default -> throw new IllegalStateException(e.kind().toString());
        }
        updateRate(b);
        scheduleDone(b);
    }

    /** Every request the backend holds fails; the load balancers see resets after the return delay. */
    private void crash(int b) {
        if (crashed[b]) {
            return;
        }
        crashed[b] = true;
        while (heapSize[b] > 0) {
            answer(popJob(b), ERROR);
        }
        while (waitCount[b] > 0) {
            answer(dequeue(b), ERROR);
        }
        inSystem[b] = 0;
    }

    // ------------------------------------------------------------------------------------------
    // Utilisation reports, health checks, probes.

    private void onUtilisationReport() {
        long period = lbModel.utilisationReportIntervalNanos();
        for (int b = 0; b < n; b++) {
            accrueBusy(b);
            double u = (busy[b] - busyAtReport[b]) / ((double) servers[b] * period);
            busyAtReport[b] = busy[b];
            for (int k = 0; k < nLb; k++) {
                loads[k][b].reportUtilisation(u, now);
            }
        }
        if (now + period < duration) {
            queue.push(now + period, payload(EV_UTIL_REPORT, 0, 0));
        }
    }

    private void onRefresh() {
        for (LoadBalancer lb : lbs) {
            lb.refresh();
        }
        long period = lbModel.pickerRefreshIntervalNanos();
        if (now + period < duration) {
            queue.push(now + period, payload(EV_REFRESH, 0, 0));
        }
    }

    /** Instance {@code index / n} checks backend {@code index % n}; the result arrives later. */
    private void onHealthSend(int index) {
        HealthCheckModel hc = lbModel.healthCheck();
        int b = index % n;
        CheckResult result;
        long took;
        if (crashed[b]) {
            result = CheckResult.TIMEOUT;
            took = hc.timeoutNanos();
        } else {
            long rtt = Math.round(networkDelay.sample(healthRandom)) + Math.round(networkDelay.sample(healthRandom));
            double r = speed[b] / slowdown[b];
            long work = (long) Math.ceil(hc.checkWorkNanos() / r);
            long stall = stallDepth[b] > 0 ? stallUntil[b] - now : 0;
            long answer = rtt + work + stall;
            result = answer <= hc.timeoutNanos() ? CheckResult.PASS : CheckResult.TIMEOUT;
            took = result == CheckResult.PASS ? answer : hc.timeoutNanos();
        }
        queue.push(now + took, payload(EV_HEALTH_RESULT, result.ordinal(), index));
    }

    /** Feeds one check result to its state machine and sends the next check after the interval it names. */
    private void onHealthResult(int index, CheckResult result) {
        int k = index / n;
        int b = index % n;
        ActiveHealthCheck.Status status = checks[k][b].onResult(result, now);
        setChecked(k, b, status.healthState());
        long next = now + status.nextIntervalNanos();
        if (next < duration) {
            queue.push(next, payload(EV_HEALTH_SEND, 0, index));
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
            lbs[k].setHealth(ids[b], state);
        }
    }

    /** Tells instance {@code k}'s outlier detector how an attempt on backend {@code b} ended. */
    private void recordOutcome(int k, int b, byte outcome, long latencyNanos) {
        RequestOutcome o = switch (outcome) {
            case SUCCESS -> RequestOutcome.SUCCESS;
            case REJECTED -> RequestOutcome.GATEWAY_ERROR;
            default -> RequestOutcome.LOCAL_ORIGIN_FAILURE;
        };
        applyOutlierEvents(k, detectors[k].record(ids[b], o, latencyNanos, now));
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

    private void onOutlierSweep() {
        for (int k = 0; k < nLb; k++) {
            applyOutlierEvents(k, detectors[k].evaluate(now));
        }
        long period = lbModel.outlierDetection().intervalNanos();
        if (now + period < duration) {
            queue.push(now + period, payload(EV_OUTLIER_SWEEP, 0, 0));
        }
    }

    /** Answers probes in virtual time: out after a network hop, read at the backend, back after another. */
    private final class VirtualProber implements Prober {
        @Override
        public void probe(Endpoint endpoint, ProbeSink sink, Environment env) {
            int b = backendIndex.of(endpoint);
            if (b < 0) {
                return;
            }
            int p;
            if (freeProbeCount > 0) {
                p = freeProbes[--freeProbeCount];
            } else {
                if (probesUsed == probeCapacity) {
                    int len = probeCapacity * 2;
                    pEndpoint = Arrays.copyOf(pEndpoint, len);
                    pSink = Arrays.copyOf(pSink, len);
                    pBackend = Arrays.copyOf(pBackend, len);
                    pInFlight = Arrays.copyOf(pInFlight, len);
                    pLatency = Arrays.copyOf(pLatency, len);
                    freeProbes = Arrays.copyOf(freeProbes, len);
                    probeCapacity = len;
                }
                p = probesUsed++;
            }
            probes++;
            pEndpoint[p] = endpoint;
            pSink[p] = sink;
            pBackend[p] = b;
            queue.push(now + probeHop(), payload(EV_PROBE_AT_BACKEND, 0, p));
        }
    }

    private void onProbeAtBackend(int p) {
        int b = pBackend[p];
        if (crashed[b]) {
            freeProbe(p);
            return;
        }
        if (stallDepth[b] > 0) {
            queue.push(stallUntil[b], payload(EV_PROBE_AT_BACKEND, 0, p));
            return;
        }
        pInFlight[p] = inSystem[b];
        // What one more request would take here: the work queued ahead of it spread over the
        // servers, plus its own, at the current speed.
        double perRequest = service[b].mean() / (speed[b] / slowdown[b]);
        pLatency[p] = Math.round(perRequest * (1.0 + (double) inSystem[b] / servers[b]));
        queue.push(now + probeHop(), payload(EV_PROBE_REPLY, 0, p));
    }

    private void onProbeReply(int p) {
        Endpoint e = pEndpoint[p];
        Prober.ProbeSink sink = pSink[p];
        int inFlight = pInFlight[p];
        long lat = pLatency[p];
        freeProbe(p);
        sink.onProbe(e, inFlight, lat, now);
    }

    private void freeProbe(int p) {
        pEndpoint[p] = null;
        pSink[p] = null;
        freeProbes[freeProbeCount++] = p;
    }

    // ------------------------------------------------------------------------------------------
    // Measurement.

    private void recordSuccess(int s) {
        long lat = now - sArrival[s];
        if (sMeasured[s]) {
            succeeded++;
            latency.recordValue(lat);
            latencySum += lat;
        }
        if (now < duration) {
            intervalCompleted++;
            intervalLatencySum += lat;
            intervalLatency.recordValue(lat);
        }
    }

    private void recordEnd(byte outcome, boolean isMeasured) {
        if (isMeasured) {
            switch (outcome) {
                case ERROR -> errors++;
                case REJECTED -> rejected++;
                case TIMEOUT -> timeouts++;
                case UNAVAILABLE -> unavailable++;
                default -> throw new IllegalStateException("outcome " + outcome);
            }
        }
        if (now < duration) {
            intervalFailed++;
        }
    }

    private void snapshotBusy(double[] into) {
        for (int b = 0; b < n; b++) {
            accrueBusy(b);
            into[b] = busy[b];
        }
    }

    private void onSample() {
        long len = now - intervalStart;
        int[] held = new int[n];
        double[] util = new double[n];
        for (int b = 0; b < n; b++) {
            accrueBusy(b);
            held[b] = inSystem[b];
            util[b] = len == 0 ? 0 : (busy[b] - busyAtSample[b]) / ((double) servers[b] * len);
            busyAtSample[b] = busy[b];
        }
        double mean = intervalCompleted == 0 ? Double.NaN : (double) intervalLatencySum / intervalCompleted;
        long p99 = intervalCompleted == 0 ? 0 : intervalLatency.getValueAtPercentile(99);
        double tput = len == 0 ? 0 : intervalCompleted / (len / 1e9);
        intervals.add(new IntervalSample(intervalStart, now, intervalCompleted, tput, mean, p99, intervalFailed, held,
                util));
        intervalCompleted = 0;
        intervalLatencySum = 0;
        intervalFailed = 0;
        intervalLatency.reset();
        intervalStart = now;
        if (now < duration) {
            queue.push(Math.min(now + interval, duration), payload(EV_SAMPLE, 0, 0));
        } else {
            lastSamplePending = false;
        }
    }

    private SimulationResult result() {
        long window = duration - warmUp;
        List<BackendResult> backends = new ArrayList<>(n);
        for (int b = 0; b < n; b++) {
            double u = (busyAtWindowEnd[b] - busyAtWindowStart[b]) / ((double) servers[b] * window);
            double meanLatency = backendCompleted[b] == 0 ? Double.NaN
                    : (double) backendLatencySum[b] / backendCompleted[b];
            backends.add(new BackendResult(ids[b], backendRequests[b], backendCompleted[b], Math.min(1.0, u),
                    meanLatency));
        }
        long ended = succeeded + errors + timeouts + rejected + unavailable;
        Outcomes outcomes = new Outcomes(measured, succeeded, errors, timeouts, rejected, unavailable,
                measured - ended, retries);
        double mean = succeeded == 0 ? Double.NaN : (double) latencySum / succeeded;
        long seen = 0;
        long moved = 0;
        long movedByFailure = 0;
        for (int d = 0; d < devices; d++) {
            byte f = deviceFlags[d];
            if ((f & SEEN) != 0) {
                seen++;
            }
            if ((f & MOVED) != 0) {
                moved++;
            }
            if ((f & MOVED_BY_FAILURE) != 0) {
                movedByFailure++;
            }
        }
        Affinity affinity = new Affinity(seen, requestsWithPrevious, affinityHits, moved, movedByFailure);
        return new SimulationResult(config.describe(), config.seed(), window, outcomes,
                LatencySummary.of(latency, mean), latency, backends, affinity, intervals, events, probes, now);
    }
}
