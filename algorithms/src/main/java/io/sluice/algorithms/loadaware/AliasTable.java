package io.sluice.algorithms.loadaware;

/**
 * Draws an index with probability proportional to its weight in O(1): Walker's alias method, built
 * with Vose's numerically stable construction ("A Linear Algorithm for Generating Random Numbers
 * with a Given Distribution", IEEE TSE 1991). Immutable once built, so safe from any thread.
 *
 * <p>Picture n columns, each of height 1: column i holds the share {@code threshold[i]} of index i
 * and the rest belongs to {@code alias[i]}. Building pours the scaled weights
 * {@code p_i = w_i * n / W} into the columns, topping up each short column from a tall one. Worked
 * example, weights 1 and 3: p = (0.5, 1.5); column 0 keeps 0.5 of index 0 and lends 0.5 to index
 * 1; column 1 is all index 1. A draw picks a column uniformly, then a side:
 * P(0) = 1/2 * 0.5 = 1/4, P(1) = 1/2 * 0.5 + 1/2 = 3/4.
 */
final class AliasTable {
    private static final long LOW_32 = 0xFFFF_FFFFL;

    private final double[] threshold;
    private final int[] alias;

    /** @param weights finite, &gt; 0, at least one */
    AliasTable(double[] weights) {
        int n = weights.length;
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        threshold = new double[n];
        alias = new int[n];
        double[] scaled = new double[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int smallCount = 0;
        int largeCount = 0;
        for (int i = 0; i < n; i++) {
            scaled[i] = weights[i] * n / total;
            if (scaled[i] < 1.0) {
                small[smallCount++] = i;
            } else {
                large[largeCount++] = i;
            }
        }
        while (smallCount > 0 && largeCount > 0) {
            int s = small[--smallCount];
            int l = large[--largeCount];
            threshold[s] = scaled[s];
            alias[s] = l;
            // The tall column gives away what the short one lacks; it may become short itself.
            scaled[l] = (scaled[l] + scaled[s]) - 1.0;
            if (scaled[l] < 1.0) {
                small[smallCount++] = l;
            } else {
                large[largeCount++] = l;
            }
        }
        // What is left is 1 up to rounding error: a full column that never uses its alias.
        while (largeCount > 0) {
            int l = large[--largeCount];
            threshold[l] = 1.0;
            alias[l] = l;
        }
        while (smallCount > 0) {
            int s = small[--smallCount];
            threshold[s] = 1.0;
            alias[s] = s;
        }
    }

    /**
     * One draw from 64 random bits: the high 32 choose the column by multiply-shift, the low 32
     * the side. The multiply-shift is off from uniform by at most n / 2^32 per column (2.3e-7 at
     * 1000 backends), far below anything a test or a fleet could notice, and it saves a second
     * call to the random source and a rejection loop.
     */
    int sample(long bits) {
        int column = PowerOfChoices.index(bits >>> 32, threshold.length);
        double side = (bits & LOW_32) * 0x1p-32;
        return side < threshold[column] ? column : alias[column];
    }

    int size() {
        return threshold.length;
    }

    /** The exact probability that {@link #sample} answers {@code index}, from the table (tests, diagnostics). */
    double probability(int index) {
        int n = threshold.length;
        double p = threshold[index];
        for (int column = 0; column < n; column++) {
            if (alias[column] == index && column != index) {
                p += 1.0 - threshold[column];
            }
        }
        return p / n;
    }
}
