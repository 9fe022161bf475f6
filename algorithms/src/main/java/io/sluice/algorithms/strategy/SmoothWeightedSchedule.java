package io.sluice.algorithms.strategy;

import java.util.Arrays;

/**
 * One period of NGINX's smooth weighted round robin, computed ahead of time so that a picker only
 * walks an array (NGINX updates every peer's {@code current_weight} under a lock on each pick).
 *
 * <h2>The rule</h2>
 * From {@code ngx_http_upstream_get_peer} in NGINX's {@code ngx_http_upstream_round_robin.c}
 * (Maxim Dounin's 2012 "smooth" weighted round robin): every peer has a {@code current} weight,
 * initially 0. On each pick, with {@code W} the total weight,
 * <pre>
 *   for every peer i:  current_i += w_i
 *   best = the peer with the largest current (the first in list order on a tie)
 *   current_best -= W
 * </pre>
 * After {@code W} picks every {@code current} is 0 again, so the sequence has period {@code W} and
 * peer {@code i} appears exactly {@code w_i} times in it, spread out rather than in a burst.
 *
 * <p>Worked example, weights a:5, b:1, c:1 (W = 7), currents after adding / after subtracting:
 * <pre>
 *   pick 1: (5, 1, 1) a -&gt; (-2, 1, 1)     pick 5: (4, -2, 5) c -&gt; (4, -2, -2)
 *   pick 2: (3, 2, 2) a -&gt; (-4, 2, 2)     pick 6: (9, -1, -1) a -&gt; (2, -1, -1)
 *   pick 3: (1, 3, 3) b -&gt; (1, -4, 3)     pick 7: (7, 0, 0) a -&gt; (0, 0, 0)
 *   pick 4: (6, -3, 4) a -&gt; (-1, -3, 4)
 * </pre>
 * giving {@code a a b a c a a}, where a plain weighted round robin would give {@code a a a a a b c}.
 *
 * <h2>Computing it in O(W d) instead of O(W n)</h2>
 * Simulating the rule costs a pass over all {@code n} peers per pick. But peers of equal weight
 * {@code w} have {@code current = t w - W k} after {@code t} picks, {@code k} being how often each
 * was chosen, so two of them differ by a multiple of {@code W}. A peer chosen once more than
 * another of its weight is {@code W} below it and cannot be chosen again before it; so within a
 * weight group the counts differ by at most one and the group is served in list order, cyclically.
 * It is enough to keep, per distinct weight, the {@code current} of the group's next member and a
 * pointer to it: each pick compares the {@code d} distinct weights only, breaking ties between
 * groups by the list index of their next members as NGINX does. {@code SmoothWeightedScheduleTest}
 * checks the result against the literal per-peer rule.
 *
 * <h2>Quantisation</h2>
 * Effective weights are doubles &gt; 0 (slow start scales them), and the table must stay small:
 * <ol>
 *   <li>If every weight is a whole number (up to 2<sup>53</sup>), it is used as is: exact.</li>
 *   <li>Otherwise weights are measured in thousandths of the largest:
 *       {@code q_i = max(1, round(1000 w_i / w_max))}; so the resolution is 0.1 % of the largest
 *       weight, and even a tiny weight keeps one slot per period.</li>
 *   <li>The integers are divided by their greatest common divisor ({@code {2, 4}} becomes
 *       {@code {1, 2}}), which shortens the period without changing the sequence's shape.</li>
 *   <li>If the total still exceeds {@link #MAX_PERIOD} (65 536 slots, 256 KiB), every weight is
 *       rescaled by {@code s = (MAX_PERIOD - n) / total} to {@code max(1, round(s q_i))} and
 *       reduced again. Since {@code max(1, round(x)) <= x + 1}, the new total is at most
 *       {@code s total + n = MAX_PERIOD}, and at least {@code MAX_PERIOD / 2} (see below): each
 *       weight is rounded to the nearest slot of that period, at most half a slot off, except
 *       that a weight worth less than half a slot is raised to one.</li>
 * </ol>
 * Callers give at most {@code MAX_PERIOD / 2} weights, so every endpoint always keeps at least one
 * slot and the rescaled weights keep at least half the table's resolution.
 */
final class SmoothWeightedSchedule {
    /** The longest period a schedule may have: 2^16 slots. */
    static final int MAX_PERIOD = 1 << 16;

    /** Most weights a schedule is built for; beyond this the caller uses another method. */
    static final int MAX_WEIGHTS = MAX_PERIOD / 2;

    /** Fractional weights are quantised to thousandths of the largest weight. */
    static final int FRACTIONAL_RESOLUTION = 1000;

    /** Whole-number weights up to 2^53 are exact as doubles and used as they are. */
    private static final double EXACT_INTEGER_LIMIT = 0x1p53;

    private SmoothWeightedSchedule() {
    }

    /**
     * One period of the smooth sequence for effective weights: quantised, then scheduled.
     *
     * @param weights finite, &gt; 0, between 1 and {@link #MAX_WEIGHTS} of them
     * @return index of the chosen weight for each slot of the period
     */
    static int[] of(double[] weights) {
        return sequence(quantise(weights));
    }

    /**
     * Integer weights with the same proportions (up to the documented resolution), divided by
     * their gcd, summing to at most {@link #MAX_PERIOD}, each at least 1.
     */
    static int[] quantise(double[] weights) {
        int n = weights.length;
        if (n == 0 || n > MAX_WEIGHTS) {
            throw new IllegalArgumentException("a smooth schedule takes 1.." + MAX_WEIGHTS + " weights, got " + n);
        }
        boolean whole = true;
        double max = 0;
        for (double w : weights) {
            if (!(w > 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weights must be finite and > 0, got " + w);
            }
            whole &= w == Math.rint(w) && w <= EXACT_INTEGER_LIMIT;
            max = Math.max(max, w);
        }
        long[] q = new long[n];
        for (int i = 0; i < n; i++) {
            q[i] = whole ? (long) weights[i]
                    : Math.max(1L, Math.round(weights[i] / max * FRACTIONAL_RESOLUTION));
        }
        long total = reduce(q);
        // One pass suffices in exact arithmetic (see the class comment); the loop only guards
        // against the double sum rounding the bound past MAX_PERIOD by a slot.
        while (total > MAX_PERIOD) {
            double sum = 0;
            for (long v : q) {
                sum += v;
            }
            double scale = (MAX_PERIOD - n) / sum;
            for (int i = 0; i < n; i++) {
                q[i] = Math.max(1L, Math.round(q[i] * scale));
            }
            total = reduce(q);
        }
        int[] result = new int[n];
        for (int i = 0; i < n; i++) {
            result[i] = (int) q[i];
        }
        return result;
    }

    /** Divides {@code q} by its gcd in place; returns the new total, saturating at Long.MAX_VALUE. */
    private static long reduce(long[] q) {
        long g = 0;
        for (long v : q) {
            g = gcd(g, v);
        }
        long total = 0;
        for (int i = 0; i < q.length; i++) {
            q[i] /= g;
            total = total > Long.MAX_VALUE - q[i] ? Long.MAX_VALUE : total + q[i];
        }
        return total;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /**
     * One period of NGINX's smooth weighted round robin over integer weights (not reduced here:
     * {@code {2, 2}} gives the period {@code 0 1 0 1}).
     *
     * @param weights each &ge; 1, total at most {@link #MAX_PERIOD}
     * @return the index picked at each of the {@code sum(weights)} steps
     */
    static int[] sequence(int[] weights) {
        int n = weights.length;
        long total = 0;
        for (int w : weights) {
            if (w < 1) {
                throw new IllegalArgumentException("schedule weights must be >= 1, got " + w);
            }
            total += w;
        }
        if (n == 0 || total > MAX_PERIOD) {
            throw new IllegalArgumentException("a schedule needs 1.." + MAX_PERIOD + " slots, got " + total);
        }
        // Sort indices by (weight, index): each run of equal weights is one group, in list order.
        long[] keyed = new long[n];
        for (int i = 0; i < n; i++) {
            keyed[i] = ((long) weights[i] << 32) | i;
        }
        Arrays.sort(keyed);
        int[] members = new int[n];
        int[] groupStart = new int[n + 1];
        int groups = 0;
        for (int i = 0; i < n; i++) {
            members[i] = (int) keyed[i];
            if (i == 0 || (keyed[i] >>> 32) != (keyed[i - 1] >>> 32)) {
                groupStart[groups++] = i;
            }
        }
        groupStart[groups] = n;
        long[] weight = new long[groups];
        long[] current = new long[groups]; // current weight of the group's next member
        int[] next = new int[groups];      // position of that member in members[]
        for (int g = 0; g < groups; g++) {
            weight[g] = weights[members[groupStart[g]]];
            next[g] = groupStart[g];
        }

        int[] period = new int[(int) total];
        for (int t = 0; t < period.length; t++) {
            int best = -1;
            for (int g = 0; g < groups; g++) {
                current[g] += weight[g];
                if (best < 0 || current[g] > current[best]
                        || (current[g] == current[best] && members[next[g]] < members[next[best]])) {
                    best = g;
                }
            }
            period[t] = members[next[best]];
            if (++next[best] == groupStart[best + 1]) {
                // Every member of the group has now been chosen once more: the next one is the
                // first again, W below where this round's members stood.
                next[best] = groupStart[best];
                current[best] -= total;
            }
        }
        return period;
    }
}
