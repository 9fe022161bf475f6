package io.sluice.algorithms.internal;

import java.util.random.RandomGenerator;

/**
 * Samples an index with probability proportional to its weight in O(1) per sample, by Walker's
 * alias method as made numerically stable by Vose: M. D. Vose, "A Linear Algorithm for Generating
 * Random Numbers with a Given Distribution", IEEE Transactions on Software Engineering 17(9),
 * 1991, pp. 972-975.
 *
 * <p>The idea: scale the weights to {@code p_i = n w_i / W} (mean 1, {@code W} the total). Cut
 * the unit square into {@code n} columns of width {@code 1/n}. Each column {@code i} holds
 * {@code prob[i]} of its own index and the remaining {@code 1 - prob[i]} of one other index,
 * {@code alias[i]}. Building pairs an under-full index {@code l} ({@code p_l < 1}) with an over-full
 * one {@code g}: column {@code l} keeps {@code p_l} of itself and is topped up by {@code g}, whose
 * remaining mass drops to {@code p_g - (1 - p_l)}; repeat until every column is full. Each step
 * fills one column, so building is O(n). Sampling draws a uniform column {@code i} and a uniform
 * {@code u} in [0, 1): the answer is {@code i} if {@code u < prob[i]}, else {@code alias[i]}. So
 * {@code P(i) = (prob[i] + sum over j with alias[j] = i of (1 - prob[j])) / n = w_i / W}.
 *
 * <p>Worked example, as this code pairs them: weights [1, 2, 3, 2], W = 8, n = 4, so
 * p = [0.5, 1, 1.5, 1]; index 0 is under-full, the others count as over-full (p &ge; 1). Column 0
 * keeps 0.5 of index 0 and takes 0.5 from index 3, which drops to 0.5 and becomes under-full;
 * column 3 keeps that 0.5 and takes 0.5 from index 2, which is left with exactly 1. Table:
 * prob = [0.5, 1, 1, 0.5], alias[0] = 3, alias[3] = 2. Check: P(2) = (1 + 0.5) / 4 = 3/8 and
 * P(3) = (0.5 + 0.5) / 4 = 2/8, as the weights say.
 *
 * <p>Vose's refinement over Walker's original is the order of the update: computing
 * {@code (p_g + p_l) - 1} rather than {@code p_g - (1 - p_l)} loses less precision, and entries
 * left over by rounding (an index stuck just under or over 1) are set to probability 1 instead of
 * being paired with nothing.
 *
 * <p>Two ways to draw, over the same table: {@link #sample(RandomGenerator)} takes a uniform column
 * and a uniform coin from the random source (two draws, exact), and {@link #sample(long)} takes
 * both from one 64-bit draw (the high 32 bits choose the column by multiply-shift, the low 32 the
 * side), which the power-of-d-choices picker uses to spend one draw per candidate.
 *
 * <p>Immutable once built, so safe from any thread; a draw is as thread safe as its random source.
 */
public final class AliasTable {
    private final double[] probability;
    private final int[] alias;
    /**
     * Column {@code i} as one word for {@link #sample(long)}: {@code ceil(probability[i] * 2^32)}
     * in the high 33 bits (2^32 for a full column), {@code alias[i]} in the low 31. One array read
     * per draw instead of two, and an integer comparison that decides exactly as the double one
     * would: for an integer side {@code s < 2^32}, {@code s * 2^-32 < p} exactly when
     * {@code s < ceil(p * 2^32)} (scaling by a power of two is exact).
     */
    private final long[] packed;

    private static final long LOW_32 = 0xFFFF_FFFFL;

    /**
     * @param weights finite and &gt; 0, at least one
     * @throws IllegalArgumentException when there is none, or one is not finite and &gt; 0
     */
    public AliasTable(double[] weights) {
        int n = weights.length;
        if (n == 0) {
            throw new IllegalArgumentException("an alias table needs at least one weight");
        }
        double total = 0;
        for (double w : weights) {
            if (!(w > 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("alias table weights must be finite and > 0, got " + w);
            }
            total += w;
        }
        probability = new double[n];
        alias = new int[n];
        double[] scaled = new double[n];
        // Two stacks in one array: under-full indices grow from the left, over-full from the right.
        int[] work = new int[n];
        int small = 0;
        int large = n;
        for (int i = 0; i < n; i++) {
            scaled[i] = weights[i] * n / total;
            if (scaled[i] < 1.0) {
                work[small++] = i;
            } else {
                work[--large] = i;
            }
        }
        while (small > 0 && large < n) {
            int l = work[--small];
            int g = work[large++];
            probability[l] = scaled[l];
            alias[l] = g;
            scaled[g] = (scaled[g] + scaled[l]) - 1.0;
            if (scaled[g] < 1.0) {
                work[small++] = g;
            } else {
                work[--large] = g;
            }
        }
        // What is left is full up to rounding error.
        while (large < n) {
            int g = work[large++];
            probability[g] = 1.0;
            alias[g] = g;
        }
        while (small > 0) {
            int l = work[--small];
            probability[l] = 1.0;
            alias[l] = l;
        }
        packed = new long[n];
        for (int i = 0; i < n; i++) {
            long threshold = (long) Math.ceil(probability[i] * 0x1p32);
            packed[i] = (threshold << ALIAS_BITS) | alias[i];
        }
    }

    private static final int ALIAS_BITS = 31;
    private static final long ALIAS_MASK = (1L << ALIAS_BITS) - 1;

    /** An index drawn with probability {@code w_i / W}: one uniform column and one uniform coin. */
    public int sample(RandomGenerator random) {
        int column = random.nextInt(probability.length);
        return random.nextDouble() < probability[column] ? column : alias[column];
    }

    /**
     * An index drawn with probability {@code w_i / W} (up to {@code n / 2^32} per column, see
     * {@link Indices#multiplyShift}) from 64 uniform bits: the high 32 choose the column, the low
     * 32 the side.
     */
    public int sample(long bits) {
        int column = Indices.multiplyShift(bits >>> 32, packed.length);
        long entry = packed[column];
        return (bits & LOW_32) < (entry >>> ALIAS_BITS) ? column : (int) (entry & ALIAS_MASK);
    }

    /** Column {@code i}'s probability of answering {@code i} itself. */
    public double threshold(int column) {
        return probability[column];
    }

    /** The index column {@code i} answers otherwise. */
    public int alias(int column) {
        return alias[column];
    }

    /** Number of weights (and columns). */
    public int size() {
        return probability.length;
    }

    /** The exact probability the table gives index {@code i} (tests, diagnostics): O(n). */
    public double share(int i) {
        int n = probability.length;
        double mass = probability[i];
        for (int j = 0; j < n; j++) {
            if (alias[j] == i && j != i) {
                mass += 1.0 - probability[j];
            }
        }
        return mass / n;
    }
}
