package io.sluice.simulator.workload;

import io.sluice.algorithms.Hashing;

/**
 * The ids of a synthetic fleet, {@code prefix + index} ({@code dev-0}, {@code dev-1}, ...), each
 * built and hashed once, on first use, so the hot loop neither allocates nor rehashes.
 */
final class DeviceIds {
    private final String prefix;
    private final int count;
    private String[] ids;
    private long[] hashes;

    DeviceIds(String prefix, int count) {
        this.prefix = prefix;
        this.count = count;
    }

    int count() {
        return count;
    }

    String prefix() {
        return prefix;
    }

    /** Fills the device fields of {@code into} for device {@code index}. */
    void fill(int index, Arrival into) {
        if (ids == null) {
            ids = new String[count];
            hashes = new long[count];
        }
        String id = ids[index];
        if (id == null) {
            id = prefix + index;
            ids[index] = id;
            hashes[index] = Hashing.hash64(id);
        }
        into.deviceId = id;
        into.keyHash = hashes[index];
    }
}
