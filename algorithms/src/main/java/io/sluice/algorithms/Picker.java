package io.sluice.algorithms;

/**
 * Chooses a backend for one request. A picker is an immutable snapshot of the endpoint set,
 * built by a {@link Strategy} and replaced (never mutated) when membership, weights or health
 * change; the only state it mutates is what a pick must (a cursor, a scheduler position).
 *
 * <p>Thread safety: both picks are lock-free and may be called from any number of threads at
 * once unless the implementing strategy documents otherwise. They never throw.
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

    /**
     * A pick for a retry: never a backend in {@code tried}. Every built-in strategy answers
     * natively, as its own rule says a second choice should be made: power-of-choices draws among
     * the untried, round robin moves on, a hash walks its ring or table to the next untried
     * backend, join-idle-queue and Prequal pass over idle entries and probes of tried backends
     * without spending them. So the answer is null only when every available backend was tried.
     *
     * <p>This default, for strategies that do not override it, picks once and answers null when
     * that pick was tried; {@link LoadBalancer.Snapshot#pick(RequestContext, Tried)} then falls
     * back to a uniformly random untried backend.
     *
     * @param tried backends this request was already sent to; {@link Tried#NONE} for a first attempt
     */
    default Endpoint pick(RequestContext ctx, Tried tried) {
        Endpoint e = pick(ctx);
        return e == null || tried.contains(e) ? null : e;
    }
}
