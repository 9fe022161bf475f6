package io.sluice.simulator.workload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts arrivals by message type id on the simulator's hot path: ids in {@code [-DENSE, DENSE)} (every
 * LoRaWAN port, the first thousand or so words) add to an array slot; rarer ids go to a map.
 * {@link Arrival#type} {@link MessageTypes#UNKNOWN} is not counted.
 *
 * <p>Not thread-safe: one run's thread counts, and reads {@link #byName} when the run is over.
 */
public final class TypeTally {
    private static final int DENSE = 1024;

    private final long[] dense = new long[2 * DENSE];
    private final Map<Integer, long[]> sparse = new HashMap<>();

    /** Counts one arrival of type {@code type}. */
    public void add(int type) {
        if (type == MessageTypes.UNKNOWN) {
            return;
        }
        int i = type + DENSE;
        if (i >= 0 && i < dense.length) {
            dense[i]++;
        } else {
            sparse.computeIfAbsent(type, t -> new long[1])[0]++;
        }
    }

    /**
     * The counts by type name: numbers first in increasing order, then words in alphabetical order
     * (so the same counts always print alike); types never counted are absent.
     */
    public Map<String, Long> byName(MessageTypes types) {
        Map<Integer, Long> count = new HashMap<>();
        for (int i = 0; i < dense.length; i++) {
            if (dense[i] > 0) {
                count.put(i - DENSE, dense[i]);
            }
        }
        sparse.forEach((id, n) -> count.put(id, n[0]));
        List<Integer> numbers = new ArrayList<>();
        List<Map.Entry<String, Long>> words = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : count.entrySet()) {
            if (e.getKey() >= 0) {
                numbers.add(e.getKey());
            } else {
                // An id the dictionary never gave out (a workload made in code) keeps its number.
                String name = types.nameOf(e.getKey());
                words.add(Map.entry(name == null ? Integer.toString(e.getKey()) : name, e.getValue()));
            }
        }
        Collections.sort(numbers);
        words.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
        Map<String, Long> out = new LinkedHashMap<>();
        for (int n : numbers) {
            out.put(Integer.toString(n), count.get(n));
        }
        for (Map.Entry<String, Long> w : words) {
            out.put(w.getKey(), w.getValue());
        }
        return Collections.unmodifiableMap(out);
    }
}
