package io.sluice.simulator.engine;

import io.sluice.algorithms.RequestContext;
import io.sluice.simulator.metrics.Affinity;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The devices (affinity keys) seen so far, each with its request context (the key's hash computed
 * once), the backend its last request landed on, and what the affinity measurements need to know:
 * whether it was measured, whether it moved, and whether a move was forced by a failure.
 */
final class Devices {
    private static final byte SEEN = 1;
    private static final byte MOVED = 2;
    private static final byte MOVED_BY_FAILURE = 4;

    private final Map<String, Integer> index = new HashMap<>();
    private RequestContext[] context = new RequestContext[256];
    private int[] last = new int[256];
    private byte[] flags = new byte[256];
    /** The backend named by the device's affinity cookie, or -1 (cookie persistence only). */
    private int[] cookie = new int[256];
    private int count;
    private long requestsWithPrevious;
    private long affinityHits;

    /** The index of device {@code id}, registering it on first sight. */
    int of(String id, long keyHash) {
        Integer known = index.get(id);
        if (known != null) {
            return known;
        }
        int d = count++;
        if (d == context.length) {
            int len = d * 2;
            context = Arrays.copyOf(context, len);
            last = Arrays.copyOf(last, len);
            flags = Arrays.copyOf(flags, len);
            cookie = Arrays.copyOf(cookie, len);
        }
        context[d] = RequestContext.ofHash(id, keyHash);
        last[d] = -1;
        cookie[d] = -1;
        index.put(id, d);
        return d;
    }

    RequestContext context(int d) {
        return context[d];
    }

    /** The backend device {@code d}'s cookie names, or -1 before its first response. */
    int cookie(int d) {
        return cookie[d];
    }

    /** A response from backend {@code b} set device {@code d}'s cookie (HAProxy's {@code cookie insert}). */
    void setCookie(int d, int b) {
        cookie[d] = b;
    }

    /** The backend device {@code d}'s previous request landed on, or -1. */
    int last(int d) {
        return last[d];
    }

    /**
     * Device {@code d}'s request landed on backend {@code b}.
     *
     * @param previousFailed whether the device's previous backend (when it had one and it is not
     *                       {@code b}) is crashed or not healthy in the deciding instance's view
     */
    void landed(int d, int b, boolean isMeasured, boolean previousFailed) {
        int previous = last[d];
        if (isMeasured) {
            flags[d] |= SEEN;
            if (previous >= 0) {
                requestsWithPrevious++;
                if (previous == b) {
                    affinityHits++;
                } else {
                    flags[d] |= MOVED;
                    if (previousFailed) {
                        flags[d] |= MOVED_BY_FAILURE;
                    }
                }
            }
        }
        last[d] = b;
    }

    /** The affinity measurements of the run. */
    Affinity result() {
        long seen = 0;
        long moved = 0;
        long movedByFailure = 0;
        for (int d = 0; d < count; d++) {
            byte f = flags[d];
            if ((f & SEEN) != 0) {
                seen++;
            }
            if ((f & MOVED) != 0) {
                moved++;
            }
            if ((f & MOVED_BY_FAILURE) != 0) {
                movedByFailure++;
            }
        }
        return new Affinity(seen, requestsWithPrevious, affinityHits, moved, movedByFailure);
    }
}
