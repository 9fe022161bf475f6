package io.sluice.simulator.engine;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.health.CheckResult;
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

    private final SplittableRandom spreadRandom;
    private final SplittableRandom networkRandom;
    private final Distribution networkDelay;
    private final boolean zeroNetwork;
    private final long timeout;
    private double retryTokens;
    private final double retryTokenCap;

    // ---- Workload. The one pending arrival waits outside the event queue (it would be pushed and
    // popped once per request); the main loop compares it with the queue's head by (time, sequence).
    private final ArrivalStream stream;
    private final Arrival arrival = new Arrival();
    private boolean arrivalPending;
    private long arrivalSequence;

    // ---- Scripted events, sorted by start time (stable).
    private final ScriptedEvent[] script;
    private final int[] scriptBackend;

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
        stations = new BackendStations(config.backends(), seed, clock, queue, slots);
        stations.answerTo(this);
        prober = new VirtualProber(clock, queue, stations, networkDelay, RandomStreams.stream(seed, "probes"));
        views = new InstanceViews(config, clock, queue, stations, prober);
        prober.use(views.backendIndex);
        measurements = new Measurements(clock, stations, duration);
        spreadRandom = RandomStreams.stream(seed, "lb-spread");
        networkRandom = RandomStreams.stream(seed, "network");
        zeroNetwork = networkDelay.mean() == 0;
        timeout = lbModel.requestTimeoutNanos();
        retryTokenCap = Math.max(10.0, 100.0 * lbModel.retryBudgetRatio());

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
        long refresh = lbModel.pickerRefreshIntervalNanos();
        if (refresh > 0 && refresh < duration) {
            queue.push(refresh, Events.payload(Events.REFRESH, 0, 0));
        }
        long report = lbModel.utilisationReportIntervalNanos();
        if (report > 0 && report < duration) {
            queue.push(report, Events.payload(Events.UTIL_REPORT, 0, 0));
        }
        if (views.outlierDetection()) {
            long sweep = lbModel.outlierDetection().intervalNanos();
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
                if ((slots.gen[index] & Events.GEN_MASK) == gen && slots.state[index] == AttemptSlots.PENDING) {
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
        RequestContext ctx = RequestContext.NONE;
        if (arrival.deviceId != null) {
            device = devices.of(arrival.deviceId, arrival.keyHash);
            ctx = devices.context(device);
        }
        if (isMeasured) {
            measurements.measured++;
        }
        if (lbModel.retryBudgetRatio() > 0) {
            retryTokens = Math.min(retryTokenCap, retryTokens + lbModel.retryBudgetRatio());
        }
        Endpoint e = views.lbs[lb].pick(ctx);
        if (e == null) {
            measurements.failure(AttemptSlots.UNAVAILABLE, isMeasured);
        } else {
            int b = views.backendIndex.of(e);
            if (device >= 0) {
                int previous = devices.last(device);
                boolean failed = previous >= 0 && previous != b
                        && (stations.crashed[previous] || views.health[lb][previous] != HealthState.HEALTHY);
                devices.landed(device, b, isMeasured, failed);
            }
            int s = slots.take();
            slots.arrival[s] = now;
            slots.device[s] = device;
            slots.lb[s] = lb;
            slots.attempt[s] = 0;
            slots.measured[s] = isMeasured;
            slots.multiple[s] = arrival.serviceDemand;
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
        if (timeout > 0) {
            queue.push(now + timeout, Events.payload(Events.TIMEOUT, slots.gen[s], s));
        }
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
            // Nobody answers: the load balancer learns at the connect timeout.
            slots.outcome[s] = AttemptSlots.ERROR;
            queue.push(Math.max(clock.now, slots.sent[s] + lbModel.connectTimeoutNanos()),
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
        int b = slots.backend[s];
        byte outcome = slots.outcome[s];
        views.loads[slots.lb[s]][b].onRequestEnd(now, now - slots.sent[s], outcome == AttemptSlots.SUCCESS);
        if (views.outlierDetection()) {
            views.recordOutcome(slots.lb[s], b, outcome, now - slots.sent[s]);
        }
        if (outcome == AttemptSlots.SUCCESS) {
            measurements.success(slots.arrival[s], slots.sent[s], b, slots.measured[s]);
        } else {
            retryOrEnd(s, outcome);
        }
        slots.free(s);
    }

    private void onTimeout(int s) {
        long now = clock.now;
        slots.state[s] = AttemptSlots.ABANDONED;
        views.loads[slots.lb[s]][slots.backend[s]].onRequestEnd(now, now - slots.sent[s], false);
        if (views.outlierDetection()) {
            views.recordOutcome(slots.lb[s], slots.backend[s], AttemptSlots.TIMEOUT, now - slots.sent[s]);
        }
        if (lbModel.retryOnTimeout()) {
            retryOrEnd(s, AttemptSlots.TIMEOUT);
        } else {
            measurements.failure(AttemptSlots.TIMEOUT, slots.measured[s]);
        }
    }

    /** Retries the request of failed attempt {@code s} on another backend if the budget allows, else ends it. */
    private void retryOrEnd(int s, byte outcome) {
        if (slots.attempt[s] + 1 < lbModel.maxAttempts() && retryTokens >= 1.0) {
            int lb = slots.lb[s];
            int failedOn = slots.backend[s];
            int device = slots.device[s];
            RequestContext ctx = device >= 0 ? devices.context(device) : RequestContext.NONE;
            Endpoint e = null;
            // Up to three picks to find another backend than the one that failed; a strategy that
            // insists (a hash ring) gets its way on the third.
            for (int tries = 0; tries < 3; tries++) {
                e = views.lbs[lb].pick(ctx);
                if (e == null || views.backendIndex.of(e) != failedOn) {
                    break;
                }
            }
            if (e != null) {
                retryTokens -= 1.0;
                int r = slots.take();
                slots.arrival[r] = slots.arrival[s];
                slots.device[r] = device;
                slots.lb[r] = lb;
                slots.attempt[r] = slots.attempt[s] + 1;
                slots.measured[r] = slots.measured[s];
                slots.multiple[r] = slots.multiple[s];
                if (slots.measured[s]) {
                    measurements.retries++;
                }
                send(r, views.backendIndex.of(e));
                return;
            }
        }
        measurements.failure(outcome, slots.measured[s]);
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
        long period = lbModel.pickerRefreshIntervalNanos();
        if (clock.now + period < duration) {
            queue.push(clock.now + period, Events.payload(Events.REFRESH, 0, 0));
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
