/**
 * Consistent-hashing strategies: {@code ring-hash}, {@code maglev}, {@code rendezvous},
 * {@code jump-hash} and {@code bounded-load}, registered through their public providers.
 *
 * <p>Shared conventions: every strategy balances over
 * {@link io.sluice.algorithms.EndpointSet#available()}, places backends by their id (through
 * {@link io.sluice.algorithms.Hashing#hash64(CharSequence, long)}), never by list order, and places
 * a request by {@link io.sluice.algorithms.RequestContext#keyHash()}. A request without a key goes
 * to a uniformly random available backend drawn from
 * {@link io.sluice.algorithms.Environment#random()}. Nothing available picks null; one available
 * backend is always picked. Rings and tables are built when the picker is built, never on a pick;
 * picks allocate nothing and are safe from any number of threads.
 *
 * <p>How they compare (N backends):
 * <ul>
 *   <li>{@code maglev}: O(1) pick, slot counts within one of each other, not minimally disruptive.</li>
 *   <li>{@code jump-hash}: O(ln N) pick, no table, unweighted, minimal only at the end of the id order.</li>
 *   <li>{@code ring-hash}: O(log of ring size) pick, minimally disruptive, balance about 1/sqrt(points).</li>
 *   <li>{@code rendezvous}: O(N) pick, minimally disruptive, exact weighted shares in expectation.</li>
 *   <li>{@code bounded-load}: a ring walk that skips backends above (1 + eps) times their share.</li>
 * </ul>
 */
package io.sluice.algorithms.hashing;
