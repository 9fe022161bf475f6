package io.sluice.simulator.engine;

import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Discipline;
import io.sluice.simulator.model.Distribution;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The backends as service stations: who is in service, who waits, how fast work progresses, how
 * busy each backend has been. All state is in primitive arrays indexed by backend.
 *
 * <h2>One progress clock per backend</h2>
 * Each backend integrates its work done, {@code P(t)}, with {@code dP/dt = rate * share} where
 * {@code rate = speed / slowdown} (0 while stalled) and {@code share = 1} for FIFO (each request in
 * service progresses at the full rate) or {@code min(1, c/n)} under processor sharing. A request
 * entering service with work {@code w} gets the tag {@code P + w} and finishes when {@code P}
 * reaches it, so the requests in service form a min-heap of tags and only the earliest has a
 * completion event. Any change of rate or share (slowdown, stall, a PS arrival) just advances
 * {@code P} and reschedules that one event; superseded events are recognised by a per-backend
 * generation number and skipped. For FIFO without scripted events this is exactly
 * {@code start + work / speed}.
 */
final class BackendStations {
    /** Where a finished or failed request goes: back to the load balancer that sent it. */
    @FunctionalInterface
    interface Answers {
        void answer(int slot, byte outcome);
    }

    private final VirtualClock clock;
    private final EventQueue queue;
    private final AttemptSlots slots;
    private Answers answers;

    final int n;
    final String[] ids;
    final int[] servers;
    private final int[] queueLimit;
    private final boolean[] ps;
    final double[] speed;
    final double[] slowdown;
    final int[] stallDepth;
    final long[] stallUntil;
    final boolean[] crashed;
    /** speed / slowdown, or 0 while stalled or crashed; recomputed only when one of those changes. */
    private final double[] rateNow;
    final Distribution[] service;
    private final SplittableRandom[] serviceRandom;
    /** Requests held: in service plus waiting. */
    final int[] inSystem;
    private final double[] progress;
    private final long[] progressStamp;
    final int[] doneGen;
    private final double[][] tagHeap;
    private final int[][] jobHeap;
    private final int[] heapSize;
    private final int[][] waiting;
    private final int[] waitHead;
    private final int[] waitCount;
    /** Busy server time so far, in server-nanoseconds. */
    private final double[] busy;
    private final long[] busyStamp;

    BackendStations(List<BackendGroup> groups, long seed, VirtualClock clock, EventQueue queue, AttemptSlots slots) {
        this.clock = clock;
        this.queue = queue;
        this.slots = slots;
        this.n = BackendGroup.totalCount(groups);
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
        int b = 0;
        for (BackendGroup g : groups) {
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
            }
        }
    }

    void answerTo(Answers a) {
        this.answers = a;
    }

    /** Whether backend {@code b} holds as many requests as it can. */
    boolean full(int b) {
        return inSystem[b] >= queueLimit[b];
    }

    /** Attempt {@code s} enters backend {@code b}: into service, or into its waiting line. */
    void admit(int s, int b) {
        double multiple = slots.multiple[s];
        double work = slots.serviceNanos[s] >= 0 ? slots.serviceNanos[s]
                : Double.isNaN(multiple) ? service[b].sample(serviceRandom[b]) : multiple * service[b].mean();
        slots.demand[s] = work;
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

    void updateRate(int b) {
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
    void advance(int b) {
        long now = clock.now;
        long dt = now - progressStamp[b];
        if (dt > 0 && heapSize[b] > 0) {
            progress[b] += dt * perJobRate(b);
        }
        progressStamp[b] = now;
    }

    /** Accumulates busy server time up to now; call before any change of {@code inSystem} or crash state. */
    void accrueBusy(int b) {
        long now = clock.now;
        long dt = now - busyStamp[b];
        if (dt > 0) {
            int busyServers = crashed[b] ? 0 : Math.min(inSystem[b], servers[b]);
            busy[b] += (double) dt * busyServers;
        }
        busyStamp[b] = now;
    }

    /** Busy server time of backend {@code b} up to now. */
    double busyNow(int b) {
        accrueBusy(b);
        return busy[b];
    }

    /** (Re)schedules the completion of the earliest tag; supersedes any earlier completion event. */
    void scheduleDone(int b) {
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
        queue.push(clock.now + dt, Events.payload(Events.DONE, doneGen[b], b));
    }

    void onDone(int b) {
        advance(b);
        accrueBusy(b);
        double p = progress[b];
        // Ceil in scheduleDone makes p reach the tag; the slack absorbs floating-point rounding only.
        double slack = 1e-9 + Math.abs(p) * 1e-12;
        double[] tags = tagHeap[b];
        while (heapSize[b] > 0 && tags[0] <= p + slack) {
            int s = popJob(b);
            inSystem[b]--;
            answers.answer(s, AttemptSlots.SUCCESS);
            tags = tagHeap[b];
        }
        if (!ps[b]) {
            while (waitCount[b] > 0 && heapSize[b] < servers[b]) {
                int next = dequeue(b);
                pushJob(b, next, p + slots.demand[next]);
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

    /** Every request the backend holds fails; the load balancers see resets after the return delay. */
    void crash(int b) {
        if (crashed[b]) {
            return;
        }
        crashed[b] = true;
        while (heapSize[b] > 0) {
            answers.answer(popJob(b), AttemptSlots.ERROR);
        }
        while (waitCount[b] > 0) {
            answers.answer(dequeue(b), AttemptSlots.ERROR);
        }
        inSystem[b] = 0;
    }

    /**
     * What one more request would take at backend {@code b} now: the work queued ahead of it
     * spread over the servers, plus its own, at the current speed. What a probe reads.
     */
    long expectedLatencyNanos(int b) {
        double perRequest = service[b].mean() / (speed[b] / slowdown[b]);
        return Math.round(perRequest * (1.0 + (double) inSystem[b] / servers[b]));
    }
}
