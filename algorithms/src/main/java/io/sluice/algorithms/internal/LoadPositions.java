package io.sluice.algorithms.internal;

import io.sluice.algorithms.BackendLoad;

/**
 * Where each of a picker's loads sits in its endpoint array, by identity: what a retry needs to
 * turn the loads it tried into positions without scanning every endpoint. Open addressing with
 * linear probing over a power-of-two table at least twice the size, the slot from
 * {@link System#identityHashCode} scrambled by a Fibonacci multiplier (Knuth, TAOCP 6.4), since
 * identity hashes need not be uniform in their low bits. Immutable after construction, so any
 * thread may read it.
 */
public final class LoadPositions {
    private final BackendLoad[] keys;
    private final int[] positions;
    private final int shift;

    /** @param loads the picker's loads in order; each at most once */
    public LoadPositions(BackendLoad[] loads) {
        int capacity = Integer.highestOneBit(Math.max(2, loads.length) * 2 - 1) << 1;
        keys = new BackendLoad[capacity];
        positions = new int[capacity];
        shift = 32 - Integer.numberOfTrailingZeros(capacity);
        for (int i = 0; i < loads.length; i++) {
            int slot = slot(loads[i]);
            while (keys[slot] != null) {
                slot = (slot + 1) & (capacity - 1);
            }
            keys[slot] = loads[i];
            positions[slot] = i;
        }
    }

    private int slot(BackendLoad load) {
        return (System.identityHashCode(load) * 0x9E3779B9) >>> shift;
    }

    /** The position of {@code load}, or -1 when it is not one of the picker's. */
    public int of(BackendLoad load) {
        int mask = keys.length - 1;
        for (int slot = slot(load); ; slot = (slot + 1) & mask) {
            BackendLoad key = keys[slot];
            if (key == load) {
                return positions[slot];
            }
            if (key == null) {
                return -1;
            }
        }
    }
}
