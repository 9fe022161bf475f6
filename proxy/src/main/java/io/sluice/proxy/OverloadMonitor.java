package io.sluice.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.algorithms.overload.OverloadState;
import io.sluice.algorithms.overload.OverloadState.Level;
import io.sluice.config.proxy.ProxyConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's own overload control ({@code overload:}), as Envoy's overload manager: it measures
 * each event loop's delay and the heap in use, and sets the {@link Level} that listeners and the
 * HTTP data path act on: {@code STOP_ACCEPTING} closes new connections at once, {@code SHEDDING}
 * also answers new requests 503.
 *
 * <h2>Measures</h2>
 * <ul>
 *   <li>Event-loop delay: each event loop runs a probe timer every {@code interval}; how late it
 *       runs is how long a ready task waits on that loop now (a loop busy with a long task, or
 *       starved of CPU). A timer still pending past its due time counts as late by that much, so a
 *       loop that is blocked outright is seen while it is blocked, not only after. The worst loop
 *       counts.</li>
 *   <li>Heap: used over maximum heap ({@link MemoryMXBean}; committed when no maximum is set).
 *       Used heap includes garbage not yet collected, so thresholds belong well above the level
 *       after a collection.</li>
 * </ul>
 * Each resource has its own {@link OverloadState}: its pressure is the measure over its shed
 * threshold, its stop-accepting level sits at {@code stop-accepting / shed}, and its hysteresis
 * margin is {@code hysteresis x stop-accepting}; the proxy's level is the higher of the two.
 *
 * <p>Thread safety: {@link #level()} from any thread (a volatile read on the data path);
 * {@link #configure} from reload and start, serialised by the proxy; sampling runs on one
 * daemon thread of its own, so a blocked event loop cannot stop it.
 */
final class OverloadMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OverloadMonitor.class);

    private final EventLoopGroup group;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-overload");
        t.setDaemon(true);
        return t;
    });
    private volatile Watch watch;
    private volatile Level level = Level.NORMAL;

    /** One configuration being watched: its settings, per-resource states, probes and sampling task. */
    private record Watch(ProxyConfig.Overload config, OverloadState delay, OverloadState heap, List<LoopProbe> probes,
                         ScheduledFuture<?> task, double[] pressures) {
    }

    OverloadMonitor(EventLoopGroup group) {
        this.group = group;
    }

    /** The level in force: NORMAL when overload control is off. */
    Level level() {
        return level;
    }

    /** Starts, changes or (null) stops watching; unchanged settings keep their states. */
    synchronized void configure(ProxyConfig.Overload config) {
        Watch old = watch;
        if (old != null && old.config.equals(config) || old == null && config == null) {
            return;
        }
        if (old != null) {
            old.task.cancel(false);
            old.probes.forEach(LoopProbe::stop);
        }
        if (config == null) {
            watch = null;
            setLevel(Level.NORMAL, "overload control is off");
            return;
        }
        List<LoopProbe> probes = new ArrayList<>();
        if (config.eventLoopDelay() != null) {
            for (EventExecutor loop : group) {
                LoopProbe p = new LoopProbe(loop, config.intervalNanos());
                probes.add(p);
                p.schedule();
            }
        }
        Watch w = new Watch(config, state(config.eventLoopDelay(), config.hysteresis()),
                state(config.heap(), config.hysteresis()), List.copyOf(probes), null, new double[2]);
        ScheduledFuture<?> task = sampler.scheduleAtFixedRate(() -> sample(w), 0, config.intervalNanos(),
                TimeUnit.NANOSECONDS);
        watch = new Watch(config, w.delay, w.heap, w.probes, task, w.pressures);
    }

    private static OverloadState state(ProxyConfig.OverloadThresholds t, double hysteresis) {
        if (t == null) {
            return null;
        }
        double stopAt = t.stopAccepting() / t.shed();
        return new OverloadState(new OverloadState.Thresholds(stopAt, 1.0, hysteresis * stopAt));
    }

    /** One reading of every watched resource; moves the level. Runs on the sampler thread only. */
    private void sample(Watch w) {
        if (watch == null || watch.config != w.config) {
            return;
        }
        Level next = Level.NORMAL;
        StringBuilder why = new StringBuilder();
        if (w.delay != null) {
            long worst = worstDelayNanos(w.probes);
            // Not capped at 1 in the gauge, so an operator sees how far over it is.
            w.pressures[0] = worst / w.config.eventLoopDelay().shed();
            next = max(next, w.delay.update(OverloadState.pressure(worst, w.config.eventLoopDelay().shed())));
            why.append("event-loop delay ").append(worst / 1_000_000).append("ms");
        }
        if (w.heap != null) {
            double fraction = heapFraction();
            w.pressures[1] = fraction / w.config.heap().shed();
            next = max(next, w.heap.update(OverloadState.pressure(fraction, w.config.heap().shed())));
            why.append(why.isEmpty() ? "" : ", ").append("heap ").append(Math.round(fraction * 1000) / 10.0)
                    .append("% of max");
        }
        setLevel(next, why.toString());
    }

    private void setLevel(Level next, String why) {
        Level before = level;
        if (before != next) {
            level = next;
            if (next.compareTo(before) > 0) {
                LOG.warn("overload: {} -> {} ({})", name(before), name(next), why);
            } else {
                LOG.info("overload: {} -> {} ({})", name(before), name(next), why);
            }
        }
    }

    private static Level max(Level a, Level b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static long worstDelayNanos(List<LoopProbe> probes) {
        long now = System.nanoTime();
        long worst = 0;
        for (LoopProbe p : probes) {
            worst = Math.max(worst, p.lateness(now));
        }
        return worst;
    }

    private double heapFraction() {
        MemoryUsage heap = memory.getHeapMemoryUsage();
        long max = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
        return max <= 0 ? 0 : (double) heap.getUsed() / max;
    }

    /** {@code normal}, {@code stop-accepting} or {@code shedding}: the metric label and log word. */
    static String name(Level l) {
        return l.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The {@code sluice_overload_state} label, or null when off. */
    String stateLabel() {
        return watch == null ? null : name(level);
    }

    /** Each watched resource's last pressure (measure over shed threshold). */
    Map<String, Double> pressures() {
        Watch w = watch;
        Map<String, Double> out = new LinkedHashMap<>();
        if (w != null && w.delay != null) {
            out.put("event-loop-delay", w.pressures[0]);
        }
        if (w != null && w.heap != null) {
            out.put("heap", w.pressures[1]);
        }
        return out;
    }

    /** Each event loop's current lateness in seconds; empty when the delay is not watched. */
    List<Double> delaysSeconds() {
        Watch w = watch;
        if (w == null) {
            return List.of();
        }
        long now = System.nanoTime();
        List<Double> out = new ArrayList<>();
        for (LoopProbe p : w.probes) {
            out.add(p.lateness(now) / 1e9);
        }
        return out;
    }

    @Override
    public synchronized void close() {
        Watch w = watch;
        if (w != null) {
            w.task.cancel(false);
            w.probes.forEach(LoopProbe::stop);
        }
        watch = null;
        sampler.shutdownNow();
    }

    /**
     * A timer on one event loop that re-arms itself every interval and records how late it ran.
     * Written on its loop, read by the sampler: volatile fields, no lock.
     */
    private static final class LoopProbe implements Runnable {
        private final EventExecutor loop;
        private final long intervalNanos;
        private volatile long dueNanos;
        private volatile long lastLatenessNanos;
        private volatile boolean stopped;

        LoopProbe(EventExecutor loop, long intervalNanos) {
            this.loop = Objects.requireNonNull(loop);
            this.intervalNanos = intervalNanos;
        }

        void schedule() {
            if (stopped) {
                return;
            }
            dueNanos = System.nanoTime() + intervalNanos;
            try {
                loop.schedule(this, intervalNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                stopped = true; // the loop is shutting down
            }
        }

        @Override
        public void run() {
            lastLatenessNanos = Math.max(0, System.nanoTime() - dueNanos);
            schedule();
        }

        /** The last run's lateness, or how overdue the pending run is when that is more. */
        long lateness(long now) {
            if (stopped) {
                return 0;
            }
            return Math.max(lastLatenessNanos, Math.max(0, now - dueNanos));
        }

        void stop() {
            stopped = true;
        }
    }
}
