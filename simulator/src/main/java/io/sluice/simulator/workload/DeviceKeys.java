package io.sluice.simulator.workload;

import io.sluice.algorithms.Hashing;
import java.util.HashMap;

/**
 * Canonical device ids and their hashes for a trace replay, so each device is hashed once rather
 * than once a line. Bounded: when it holds {@code capacity} devices it starts over, which only
 * costs rehashing, so memory stays bounded for traces with any number of devices.
 */
final class DeviceKeys {
    record Key(String id, long hash) {
    }

    private final int capacity;
    private final HashMap<String, Key> keys = new HashMap<>();

    DeviceKeys(int capacity) {
        this.capacity = capacity;
    }

    Key of(String id) {
        Key k = keys.get(id);
        if (k == null) {
            if (keys.size() >= capacity) {
                keys.clear();
            }
            k = new Key(id, Hashing.hash64(id));
            keys.put(id, k);
        }
        return k;
    }
}
