package io.sluice.simulator.model;

import java.util.Objects;

/**
 * Something that happens to one backend at a scripted virtual time. Immutable.
 *
 * <ul>
 *   <li>{@link #crash}: every request the backend holds fails (the load balancer sees a reset after
 *       the return network delay); until {@link #recover} it answers nothing, so requests sent to it
 *       fail after the connect timeout and its health checks time out.</li>
 *   <li>{@link #recover}: the backend comes back empty and answers again.</li>
 *   <li>{@link #slowdown}: between {@code from} and {@code until} the backend works {@code factor}
 *       times slower (overlapping slowdowns multiply).</li>
 *   <li>{@link #stall}: a stop-the-world pause (GC, VM migration): the backend does no work and
 *       answers no probe and no health check for {@code duration}; requests keep queueing.</li>
 * </ul>
 */
public final class ScriptedEvent {
    /** What happens. */
    public enum Kind { CRASH, RECOVER, SLOWDOWN, STALL }

    private final Kind kind;
    private final String backendId;
    private final long atNanos;
    private final long untilNanos;
    private final double factor;

    private ScriptedEvent(Kind kind, String backendId, long atNanos, long untilNanos, double factor) {
        this.kind = kind;
        this.backendId = Objects.requireNonNull(backendId, "backendId");
        if (atNanos < 0) {
            throw new IllegalArgumentException(kind + " of '" + backendId + "': time must be >= 0, got " + atNanos
                    + " ns");
        }
        if (untilNanos < atNanos) {
            throw new IllegalArgumentException(kind + " of '" + backendId + "': the end " + untilNanos
                    + " ns is before the start " + atNanos + " ns");
        }
        this.atNanos = atNanos;
        this.untilNanos = untilNanos;
        this.factor = factor;
    }

    public static ScriptedEvent crash(String backendId, long atNanos) {
        return new ScriptedEvent(Kind.CRASH, backendId, atNanos, atNanos, 1);
    }

    public static ScriptedEvent recover(String backendId, long atNanos) {
        return new ScriptedEvent(Kind.RECOVER, backendId, atNanos, atNanos, 1);
    }

    /** @param factor how many times slower, &gt;= 1 (2: every request takes twice as long) */
    public static ScriptedEvent slowdown(String backendId, double factor, long fromNanos, long untilNanos) {
        if (!(factor >= 1) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("slowdown of '" + backendId + "': factor must be a finite number >= 1,"
                    + " got " + factor);
        }
        return new ScriptedEvent(Kind.SLOWDOWN, backendId, fromNanos, untilNanos, factor);
    }

    /** @param durationNanos length of the pause, &gt; 0 */
    public static ScriptedEvent stall(String backendId, long atNanos, long durationNanos) {
        if (durationNanos <= 0) {
            throw new IllegalArgumentException("stall of '" + backendId + "': duration must be > 0 ns, got "
                    + durationNanos);
        }
        return new ScriptedEvent(Kind.STALL, backendId, atNanos, Math.addExact(atNanos, durationNanos), 1);
    }

    public Kind kind() {
        return kind;
    }

    public String backendId() {
        return backendId;
    }

    /** When it happens (start of a slowdown or stall). */
    public long atNanos() {
        return atNanos;
    }

    /** When a slowdown or stall ends; equals {@link #atNanos()} for crash and recover. */
    public long untilNanos() {
        return untilNanos;
    }

    /** Slowdown factor; 1 for the other kinds. */
    public double factor() {
        return factor;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CRASH, RECOVER -> kind + " " + backendId + " at " + atNanos + "ns";
            case SLOWDOWN -> "SLOWDOWN x" + factor + " " + backendId + " " + atNanos + ".." + untilNanos + "ns";
            case STALL -> "STALL " + backendId + " " + atNanos + ".." + untilNanos + "ns";
        };
    }
}
