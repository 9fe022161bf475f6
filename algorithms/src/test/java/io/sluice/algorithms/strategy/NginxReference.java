package io.sluice.algorithms.strategy;

/**
 * The literal per-peer smooth weighted round robin of NGINX's {@code ngx_http_upstream_get_peer},
 * O(n) per pick, written out as the oracle for {@link SmoothWeightedSchedule}.
 */
final class NginxReference {
    private NginxReference() {
    }

    /** The first {@code picks} choices for integer weights. */
    static int[] picks(int[] weights, int picks) {
        long total = 0;
        for (int w : weights) {
            total += w;
        }
        long[] current = new long[weights.length];
        int[] out = new int[picks];
        for (int t = 0; t < picks; t++) {
            int best = -1;
            for (int i = 0; i < weights.length; i++) {
                current[i] += weights[i];
                if (best < 0 || current[i] > current[best]) { // strict: the first of equals wins
                    best = i;
                }
            }
            current[best] -= total;
            out[t] = best;
        }
        return out;
    }
}
