package io.sluice.simulator.engine;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import java.util.HashMap;
import java.util.Map;

/**
 * The engine's index of a picked endpoint's backend, looked up once per pick.
 *
 * <p>Why not a {@code HashMap<String, Integer>} on the id: that lookup took a tenth of the
 * engine's time (the id's hash, a bucket, a node, an equality check and an unboxing per pick).
 * Every endpoint a load balancer hands out carries the {@link BackendLoad} the engine registered
 * for that (instance, backend) pair, the same object across picker rebuilds, and the picker has
 * usually just read it; so an open-addressing table keyed by the load's identity answers in one
 * or two probes, touching memory that is already in cache. An endpoint with a load the engine
 * does not know falls back to the id.
 *
 * <p>Layout: capacity a power of two at least twice the number of loads, linear probing, the
 * slot from {@link System#identityHashCode} scrambled by a Fibonacci multiplier (Knuth, TAOCP
 * 6.4) because identity hashes need not be uniform in their low bits. Not thread-safe; built once
 * per run.
 */
final class BackendIndex {
    private final BackendLoad[] keys;
    private final int[] values;
    private final int shift;
    private final Map<String, Integer> byId = new HashMap<>();

    /**
     * @param ids   backend ids by index
     * @param loads every instance's loads, {@code loads[k][b]} being instance k's load of backend b
     */
    BackendIndex(String[] ids, BackendLoad[][] loads) {
        for (int b = 0; b < ids.length; b++) {
            byId.put(ids[b], b);
        }
        int entries = 0;
        for (BackendLoad[] row : loads) {
            entries += row.length;
        }
        int capacity = Integer.highestOneBit(Math.max(2, entries) * 2 - 1) << 1;
        keys = new BackendLoad[capacity];
        values = new int[capacity];
        shift = 32 - Integer.numberOfTrailingZeros(capacity);
        for (BackendLoad[] row : loads) {
            for (int b = 0; b < row.length; b++) {
                int slot = slot(row[b]);
                while (keys[slot] != null) {
                    slot = (slot + 1) & (capacity - 1);
                }
                keys[slot] = row[b];
                values[slot] = b;
            }
        }
    }

    private int slot(BackendLoad load) {
        return (System.identityHashCode(load) * 0x9E3779B9) >>> shift;
    }

    /** The index of {@code e}'s backend, or -1 when no backend of the run has its id. */
    int of(Endpoint e) {
        BackendLoad load = e.load();
        BackendLoad[] k = keys;
        int mask = k.length - 1;
        for (int slot = slot(load); ; slot = (slot + 1) & mask) {
            BackendLoad key = k[slot];
            if (key == load) {
                return values[slot];
            }
            if (key == null) {
                return of(e.id());
            }
        }
    }

    /** The index of the backend with this id, or -1. */
    int of(String id) {
        Integer i = byId.get(id);
        return i == null ? -1 : i;
    }
}
