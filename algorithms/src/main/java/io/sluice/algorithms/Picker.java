package io.sluice.algorithms;

/**
 * Chooses a backend for one request. A picker is an immutable snapshot of the endpoint set,
 * built by a {@link Strategy} and replaced (never mutated) when membership, weights or health
 * change; the only state it mutates is what a pick must (a cursor, a scheduler position).
 *
 * <p>Thread safety: {@link #pick} is lock-free and may be called from any number of threads at
 * once unless the implementing strategy documents otherwise. It never throws.
 */
@FunctionalInterface
public interface Picker {
    /** A picker that never has anything to offer. */
    Picker NONE = ctx -> null;

    /**
     * @return the chosen endpoint, or {@code null} when there is none to choose (empty set, or
     *         nothing available); never throws
     */
    Endpoint pick(RequestContext ctx);
}
