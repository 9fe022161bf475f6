package io.sluice.emulator;

import io.sluice.simulator.model.Discipline;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's backend model run on the wall clock: the same arithmetic as the simulator's
 * backend stations, driven by real arrivals instead of an event queue. Not thread-safe: one
 * backend's station is used only from that backend's event loop.
 *
 * <p>Every held request carries its remaining work in nanoseconds at speed 1. Between two changes
 * (an arrival, a completion, a slowdown, a stall) each request in service progresses at
 * <pre>
 *   rate = speed / slowdown                      (0 while stalled)
 *   FIFO: the first min(n, c) held requests, each at rate; the others wait in arrival order
 *   PS:   all n held requests, each at rate * min(1, c / n)
 * </pre>
 * so a change only has to {@link #advance} everyone to now and recompute the next completion.
 * Worked example: PS, c = 2, n = 4 requests held, speed 1: each progresses at 0.5, and one with
 * 10 ms of work left completes in 20 ms unless another change comes first.
 *
 * <p>Utilisation is busy server time over capacity: {@code integral of min(n, c) dt / c} while the
 * rate is above 0, as the simulator counts it.
 */
final class Station {
    /** A request held by the station. */
    static final class Job {
        double remaining;
        final Runnable onDone;

        Job(double work, Runnable onDone) {
            this.remaining = work;
            this.onDone = onDone;
        }
    }

    private final int servers;
    private final Discipline discipline;
    private final long capacity;
    private final double speed;
    private final List<Job> held = new ArrayList<>();
    private double slowdown = 1.0;
    private int stallDepth;
    private long last;
    private double busyServerNanos;

    /**
     * @param queueCapacity requests held beyond {@code servers} before new ones are rejected
     */
    Station(int servers, Discipline discipline, int queueCapacity, double speed, long nowNanos) {
        this.servers = servers;
        this.discipline = discipline;
        this.capacity = (long) servers + queueCapacity;
        this.speed = speed;
        this.last = nowNanos;
    }

    /** Requests held (in service or waiting). */
    int held() {
        return held.size();
    }

    /**
     * Offers a request of {@code work} ns at speed 1.
     *
     * @return false when the station is full (the caller answers 503)
     */
    boolean offer(double work, Runnable onDone, long now) {
        advance(now);
        if (held.size() >= capacity) {
            return false;
        }
        held.add(new Job(work, onDone));
        return true;
    }

    void slowdown(double factor, long now) {
        advance(now);
        slowdown *= factor;
    }

    void stall(boolean start, long now) {
        advance(now);
        stallDepth += start ? 1 : -1;
    }

    /** Drops every request held (a crash); their callbacks are not run. */
    List<Job> dropAll(long now) {
        advance(now);
        List<Job> out = new ArrayList<>(held);
        held.clear();
        return out;
    }

    /** Busy server time so far over servers: utilisation x elapsed time, in ns. */
    double busyNanos(long now) {
        advance(now);
        return busyServerNanos / servers;
    }

    private double rate() {
        return stallDepth > 0 ? 0.0 : speed / slowdown;
    }

    private double perJob(int n) {
        double r = rate();
        return discipline == Discipline.PROCESSOR_SHARING && n > servers ? r * servers / n : r;
    }

    private int inService(int n) {
        return discipline == Discipline.PROCESSOR_SHARING ? n : Math.min(n, servers);
    }

    /** Brings every held request's remaining work to {@code now}. */
    void advance(long now) {
        long dt = now - last;
        if (dt <= 0) {
            return;
        }
        last = now;
        int n = held.size();
        if (n == 0 || rate() == 0) {
            return;
        }
        busyServerNanos += (double) Math.min(n, servers) * dt;
        double progress = perJob(n) * dt;
        int k = inService(n);
        for (int i = 0; i < k; i++) {
            held.get(i).remaining -= progress;
        }
    }

    /**
     * Completes, in order, every request whose work is done at {@code now} (within half a
     * microsecond, the timer's rounding), runs their callbacks, and returns the delay in ns until
     * the next completion if nothing changes, or -1 when none is due (empty or stalled).
     */
    long complete(long now) {
        advance(now);
        boolean removed = true;
        while (removed) {
            removed = false;
            int k = inService(held.size());
            for (int i = 0; i < k; i++) {
                if (held.get(i).remaining <= 500) {
                    Job j = held.remove(i);
                    j.onDone.run();
                    removed = true;
                    break;
                }
            }
        }
        int n = held.size();
        if (n == 0 || rate() == 0) {
            return -1;
        }
        double min = Double.MAX_VALUE;
        int k = inService(n);
        for (int i = 0; i < k; i++) {
            min = Math.min(min, held.get(i).remaining);
        }
        return Math.max(1, (long) Math.ceil(min / perJob(n)));
    }
}
