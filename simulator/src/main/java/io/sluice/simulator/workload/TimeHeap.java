package io.sluice.simulator.workload;

import java.util.Arrays;

/**
 * A binary min-heap of (time, item) pairs in primitive arrays, ordered by time then item, so a
 * fleet of millions of devices costs 12 bytes a device and ties break the same way every run.
 * Not thread-safe.
 */
final class TimeHeap {
    private long[] times;
    private int[] items;
    private int size;

    TimeHeap(int capacity) {
        times = new long[Math.max(1, capacity)];
        items = new int[Math.max(1, capacity)];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    long topTime() {
        return times[0];
    }

    int topItem() {
        return items[0];
    }

    void add(long time, int item) {
        if (size == times.length) {
            int grown = Math.max(4, size + (size >> 1));
            times = Arrays.copyOf(times, grown);
            items = Arrays.copyOf(items, grown);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(time, item, times[parent], items[parent])) {
                break;
            }
            times[i] = times[parent];
            items[i] = items[parent];
            i = parent;
        }
        times[i] = time;
        items[i] = item;
    }

    /** Gives the top item a new, later-or-equal time and restores the order. */
    void updateTop(long time) {
        siftDown(0, time, items[0]);
    }

    void removeTop() {
        size--;
        if (size > 0) {
            siftDown(0, times[size], items[size]);
        }
    }

    private void siftDown(int i, long time, int item) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && less(times[right], items[right], times[child], items[child])) {
                child = right;
            }
            if (!less(times[child], items[child], time, item)) {
                break;
            }
            times[i] = times[child];
            items[i] = items[child];
            i = child;
        }
        times[i] = time;
        items[i] = item;
    }

    private static boolean less(long t1, int i1, long t2, int i2) {
        return t1 < t2 || (t1 == t2 && i1 < i2);
    }
}
