/**
 * Pieces that several strategy packages share: not API. The classes are public only because Java
 * has no other way to share them across packages; nothing outside the algorithms module should use
 * them, and they may change without notice.
 *
 * <ul>
 *   <li>{@code SnapshotStrategy}: the strategy shell every stateless strategy shares (nothing
 *       available picks null, one endpoint is always picked, two or more go to the picker
 *       builder);</li>
 *   <li>{@code AliasTable}: Walker's alias method in Vose's form, for weighted draws in O(1);</li>
 *   <li>{@code Endpoints}: facts about an endpoint array a picker branches on (equal weights, the
 *       heaviest weight), the in-flight count read safely, and the uniformly random fallback
 *       choice;</li>
 *   <li>{@code Indices}: mapping random bits or a 64-bit hash onto {@code [0, n)} without bias worth
 *       noticing and without allocation;</li>
 *   <li>{@code KeyStripes}: a bounded table of keys split into separately locked, access-ordered
 *       stripes (session affinity, per-key rate limiters).</li>
 * </ul>
 */
package io.sluice.algorithms.internal;
