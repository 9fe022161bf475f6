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
    private final List<Job> done = new ArrayList<>();
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
        out.addAll(done);
        held.clear();
        done.clear();
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

    /**
     * Brings every held request's remaining work to {@code now}, completing in between, at the exact
     * model time, every request whose work ran out (and, under FIFO, starting the next one then). A
     * timer that fires late (a busy machine) so delays only the responses, never the model's
     * capacity: the late response is the machine's cost, the lost service would be an error of the
     * emulator. Completed requests wait in {@link #done} for {@link #complete}.
     */
    void advance(long now) {
        double dt = now - last;
        if (dt <= 0) {
            return;
        }
        last = now;
        while (dt > 0 && !held.isEmpty() && rate() > 0) {
            int n = held.size();
            double per = perJob(n);
            int k = inService(n);
            int first = 0;
            for (int i = 1; i < k; i++) {
                if (held.get(i).remaining < held.get(first).remaining) {
                    first = i;
                }
            }
            double toFinish = Math.max(0, held.get(first).remaining) / per;
            double step = Math.min(dt, toFinish);
            busyServerNanos += Math.min(n, servers) * step;
            for (int i = 0; i < k; i++) {
                held.get(i).remaining -= per * step;
            }
            dt -= step;
            if (step >= toFinish) {
                done.add(held.remove(first));
                for (int i = 0; i < k - 1 && i < held.size(); ) {
                    if (held.get(i).remaining <= 0.5) {
                        done.add(held.remove(i));
                        k--;
                    } else {
                        i++;
                    }
                }
            }
        }
    }

    /**
     * Completes, in order, every request whose work is done at {@code now} (within half a
     * microsecond, the timer's rounding), runs their callbacks, and returns the delay in ns until
     * the next completion if nothing changes, or -1 when none is due (empty or stalled).
     */
    long complete(long now) {
        advance(now);
        // Within half a microsecond of done counts as done: the timer's rounding.
        for (int i = 0; i < inService(held.size()); ) {
            if (held.get(i).remaining <= 500) {
                done.add(held.remove(i));
            } else {
                i++;
            }
        }
        List<Job> finished = new ArrayList<>(done);
        done.clear();
        for (Job j : finished) {
            j.onDone.run();
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
