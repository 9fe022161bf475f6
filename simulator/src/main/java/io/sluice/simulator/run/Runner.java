package io.sluice.simulator.run;

import io.sluice.simulator.engine.Simulation;
import io.sluice.simulator.engine.SimulationConfig;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.scenario.ScenarioRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the simulations of a scenario on a pool of threads, one simulation per thread at a time,
 * and returns their results in scenario order. A run of several seeds is several simulations, and
 * every simulation of every run goes into the one pool, so seeds run in parallel too. Each
 * simulation is single-threaded and deterministic and shares nothing mutable with the others, so
 * the results are the same whatever the number of threads and whichever simulation finishes first.
 *
 * <p>If a simulation fails (a malformed trace line), the ones after it in scenario order are
 * cancelled and the failure of the earliest failing one is thrown: the same error every time.
 */
public final class Runner {
    private static final long PROGRESS_PERIOD_MILLIS = 500;
    /** Events per arrival assumed for a run in flight before any run has finished (a request is ~4 events). */
    private static final double DEFAULT_EVENTS_PER_ARRIVAL = 4;

    private final int threads;
    private final Progress progress;

    /**
     * @param threads  simulations run at once, &gt;= 1 (the machine's cores: {@link #defaultThreads()})
     * @param progress where to report progress; {@link Progress#NONE} for none
     */
    public Runner(int threads, Progress progress) {
        if (threads < 1) {
            throw new IllegalArgumentException("runner threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** The number of available processors. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Runs every simulation.
     *
     * @return one result per run, in the order given
     * @throws RuntimeException the failure of the earliest failing run, as the engine threw it
     *                          (for example {@code WorkloadException} naming file:line)
     */
    public List<RunResult> run(List<ScenarioRun> runs) {
        // One job per (run, seed), in scenario order then seed order.
        List<SimulationConfig> configs = new ArrayList<>();
        List<TrackedWorkload> tracked = new ArrayList<>();
        for (ScenarioRun r : runs) {
            for (SimulationConfig c : r.configs()) {
                TrackedWorkload w = new TrackedWorkload(c.workload(), c.warmUpNanos(), c.durationNanos());
                tracked.add(w);
                configs.add(c.toBuilder().workload(w).build());
            }
        }
        int n = configs.size();
        Batch batch = new Batch(configs, tracked);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, Math.max(1, n)), daemon("sluice-run"));
        ScheduledExecutorService timer = progress == Progress.NONE ? null
                : Executors.newSingleThreadScheduledExecutor(daemon("sluice-progress"));
        try {
            if (timer != null) {
                timer.scheduleAtFixedRate(() -> progress.update(batch.snapshot()), PROGRESS_PERIOD_MILLIS,
                        PROGRESS_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
            }
            List<Future<SimulationResult>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int index = i;
                SimulationConfig config = configs.get(i);
                futures.add(pool.submit(() -> {
                    SimulationResult result = Simulation.of(config).run();
                    batch.finished(index, result.events());
                    return result;
                }));
            }
            List<SimulationResult> results = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                try {
                    results.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    futures.forEach(f -> f.cancel(true));
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(cause);
                } catch (InterruptedException e) {
                    futures.forEach(f -> f.cancel(true));
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while simulating", e);
                }
            }
            List<RunResult> out = new ArrayList<>(runs.size());
            int job = 0;
            for (ScenarioRun r : runs) {
                int seeds = r.configs().size();
                List<Map<String, Long>> types = new ArrayList<>(seeds);
                for (TrackedWorkload w : tracked.subList(job, job + seeds)) {
                    types.add(w.requestsByType());
                }
                out.add(new RunResult(r, results.subList(job, job + seeds), tracked.get(job).skippedLines(), types));
                job += seeds;
            }
            return out;
        } finally {
            if (timer != null) {
                timer.shutdownNow();
                try {
                    timer.awaitTermination(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                progress.finish(batch.snapshot());
            }
            pool.shutdownNow();
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** What the progress timer reads: per simulation, done or how far, and the events of finished ones. */
    private static final class Batch {
        private final long start = System.nanoTime();
        private final List<SimulationConfig> runs;
        private final List<TrackedWorkload> tracked;
        private final boolean[] done;
        private final long[] events;

        Batch(List<SimulationConfig> runs, List<TrackedWorkload> tracked) {
            this.runs = runs;
            this.tracked = tracked;
            this.done = new boolean[runs.size()];
            this.events = new long[runs.size()];
        }

        synchronized void finished(int index, long eventCount) {
            done[index] = true;
            events[index] = eventCount;
        }

        synchronized Progress.Snapshot snapshot() {
            int n = runs.size();
            double covered = 0;
            int finished = 0;
            long finishedEvents = 0;
            long finishedArrivals = 0;
            long runningArrivals = 0;
            for (int i = 0; i < n; i++) {
                if (done[i]) {
                    covered += 1;
                    finished++;
                    finishedEvents += events[i];
                    finishedArrivals += tracked.get(i).arrivals();
                } else {
                    long duration = runs.get(i).durationNanos();
                    covered += Math.min(1.0, (double) tracked.get(i).reachedNanos() / duration);
                    runningArrivals += tracked.get(i).arrivals();
                }
            }
            double perArrival = finishedArrivals > 0 ? (double) finishedEvents / finishedArrivals
                    : DEFAULT_EVENTS_PER_ARRIVAL;
            long elapsed = System.nanoTime() - start;
            double fraction = n == 0 ? 1 : covered / n;
            double eventsPerSecond = elapsed <= 0 ? 0 : (finishedEvents + runningArrivals * perArrival) / (elapsed / 1e9);
            long eta = fraction <= 0 ? -1 : (long) (elapsed * (1 - fraction) / fraction);
            return new Progress.Snapshot(fraction, finished, n, eventsPerSecond, elapsed, eta);
        }
    }
}
