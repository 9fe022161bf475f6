package io.sluice.emulator;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.ScriptedEvent;
import io.sluice.simulator.scenario.Scenario;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A scenario's backends as real HTTP servers on 127.0.0.1, with its scripted events replayed on the
 * wall clock: {@code crash} stops listening and resets connections (new ones are refused),
 * {@code recover} listens again on the same port, {@code slowdown} divides the speed by its factor
 * until its end, {@code stall} stops all work for its duration (requests keep queueing). Event times
 * count from {@link #startEvents()}. Thread-safe; close it to stop every server.
 */
public final class Emulator implements AutoCloseable {
    private final EventLoopGroup group;
    private final Map<String, EmulatedBackend> backends;
    private final List<ScriptedEvent> events;
    private final ScheduledExecutorService clock;

    private Emulator(EventLoopGroup group, Map<String, EmulatedBackend> backends, List<ScriptedEvent> events) {
        this.group = group;
        this.backends = backends;
        this.events = events;
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "emulator-events");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts the scenario's backends.
     *
     * @param seed     the run seed; backend {@code id} draws from {@code RandomStreams.stream(seed, "backend-" + id)}
     * @param basePort the first backend's port, the others following in order; 0 for any free ports
     * @param threads  event-loop threads shared by the backends (each backend is pinned to one)
     */
    public static Emulator start(Scenario scenario, long seed, int basePort, int threads) {
        return start(scenario.backends(), scenario.events(), seed, basePort, threads);
    }

    /** As {@link #start(Scenario, long, int, int)} from the backend groups and events. */
    public static Emulator start(List<BackendGroup> groups, List<ScriptedEvent> events, long seed, int basePort,
                                 int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        Map<String, EmulatedBackend> out = new LinkedHashMap<>();
        try {
            int k = 0;
            for (BackendGroup g : groups) {
                for (int i = 0; i < g.count(); i++) {
                    String id = g.backendId(i);
                    EmulatedBackend b = new EmulatedBackend(id, g, seed, group.next());
                    b.bind(basePort == 0 ? 0 : basePort + k);
                    out.put(id, b);
                    k++;
                }
            }
        } catch (RuntimeException e) {
            out.values().forEach(EmulatedBackend::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        for (ScriptedEvent e : events) {
            if (!out.containsKey(e.backendId())) {
                out.values().forEach(EmulatedBackend::close);
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                throw new IllegalArgumentException("event " + e + " names backend '" + e.backendId()
                        + "', which is not one of " + out.keySet());
            }
        }
        return new Emulator(group, Collections.unmodifiableMap(out), List.copyOf(events));
    }

    /** The backends by id, in scenario order. */
    public Map<String, EmulatedBackend> backends() {
        return backends;
    }

    /** Where each backend listens, by id, in scenario order. */
    public Map<String, InetSocketAddress> addresses() {
        Map<String, InetSocketAddress> m = new LinkedHashMap<>();
        backends.forEach((id, b) -> m.put(id, b.address()));
        return m;
    }

    /** Schedules the scenario's events, their times counted from now. Call once. */
    public void startEvents() {
        for (ScriptedEvent e : events) {
            EmulatedBackend b = backends.get(e.backendId());
            switch (e.kind()) {
                case CRASH -> at(e.atNanos(), b::crash);
                case RECOVER -> at(e.atNanos(), b::recover);
                case SLOWDOWN -> {
                    at(e.atNanos(), () -> b.slowdown(e.factor()));
                    at(e.untilNanos(), () -> b.slowdown(1 / e.factor()));
                }
                case STALL -> {
                    at(e.atNanos(), () -> b.stall(true));
                    at(e.untilNanos(), () -> b.stall(false));
                }
            }
        }
    }

    private void at(long nanos, Runnable r) {
        clock.schedule(r, nanos, TimeUnit.NANOSECONDS);
    }

    /** Per-backend counters at this moment, for differences over a measurement window. */
    public List<BackendSnapshot> snapshot() {
        List<BackendSnapshot> out = new ArrayList<>();
        long now = System.nanoTime();
        for (EmulatedBackend b : backends.values()) {
            out.add(new BackendSnapshot(b.id(), now, b.received(), b.completed(), b.rejected(), b.busyNanos()));
        }
        return out;
    }

    /** Stops every server and the event clock. */
    @Override
    public void close() {
        clock.shutdownNow();
        backends.values().forEach(EmulatedBackend::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * One backend's counters at {@code atNanos}.
     *
     * @param busyNanos busy server time over servers: utilisation over a window is the difference of
     *                  two snapshots' busyNanos over the difference of their times
     */
    public record BackendSnapshot(String id, long atNanos, long received, long completed, long rejected,
                                  double busyNanos) {
    }
}
