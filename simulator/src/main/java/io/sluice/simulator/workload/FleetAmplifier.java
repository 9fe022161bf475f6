package io.sluice.simulator.workload;

import io.sluice.algorithms.Hashing;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Multiplies a trace's fleet: every device d becomes N copies {@code d#0 .. d#(N-1)}, copy k replaying
 * d's records shifted later by {@code s_dk}, uniform in [0, S) (S = {@code max-shift}, in trace time).
 * So each copy keeps its device's real inter-arrival pattern and the copies of one device do not
 * report in lockstep.
 *
 * <p><b>Determinism.</b> {@code s_dk} is the k-th draw of a {@link SplittableRandom} seeded with
 * {@code hash64(d, seed)}: a pure function of the run's seed, the device and k, independent of the
 * order of the trace or of any other device.
 *
 * <p><b>Bounded memory.</b> The input is in time order and every shift is in [0, S), so an output
 * time t can be released once the next unread record is later than t: all its copies come at or
 * after its own time. A heap holds one cursor per record whose copies are not all out, ordered by
 * the cursor's next copy time; a record's copies are visited in the order of its device's sorted
 * shifts, so a cursor's next time only grows. The heap thus holds the records of the last S of
 * trace time (each once, not N times), plus a cache of the sorted shifts of recently seen devices
 * (bounded; evicted entries are recomputed identically). Memory is O(records in S + cached devices
 * x N), not O(trace length). Worked example: 3 devices reporting every ~10 min, S = 1 h, N = 10000:
 * about 18 records in the heap and 3 x 10000 shifts in the cache. Equal times are broken by record
 * order then by shift rank, so the output is exactly reproducible.
 */
final class FleetAmplifier {
    /** The sorted shifts of one device's copies, and the copies' ids, built on first use. */
    static final class Copies {
        final String device;
        final long[] shifts;
        final int[] copyAt;
        private final String[] ids;
        private final long[] hashes;

        Copies(String device, int copies, long maxShiftNanos, long shiftSeed) {
            this.device = device;
            long[] raw = shiftsOf(device, copies, maxShiftNanos, shiftSeed);
            Integer[] order = new Integer[copies];
            for (int k = 0; k < copies; k++) {
                order[k] = k;
            }
            Arrays.sort(order, Comparator.comparingLong((Integer k) -> raw[k]).thenComparingInt(k -> k));
            shifts = new long[copies];
            copyAt = new int[copies];
            for (int i = 0; i < copies; i++) {
                copyAt[i] = order[i];
                shifts[i] = raw[order[i]];
            }
            ids = new String[copies];
            hashes = new long[copies];
        }

        void fill(int position, Arrival into) {
            String id = ids[position];
            if (id == null) {
                id = device + "#" + copyAt[position];
                ids[position] = id;
                hashes[position] = Hashing.hash64(id);
            }
            into.deviceId = id;
            into.keyHash = hashes[position];
        }
    }

    /** The shift of each copy k of {@code device}, in copy order. */
    static long[] shiftsOf(String device, int copies, long maxShiftNanos, long shiftSeed) {
        SplittableRandom random = new SplittableRandom(Hashing.hash64(device, shiftSeed));
        long[] raw = new long[copies];
        for (int k = 0; k < copies; k++) {
            raw[k] = maxShiftNanos == 0 ? 0 : random.nextLong(maxShiftNanos);
        }
        return raw;
    }

    private static final class Cursor {
        final TraceRecord record;
        final Copies copies;
        final long order;
        int position;
        long timeNanos;

        Cursor(TraceRecord record, Copies copies, long order) {
            this.record = record;
            this.copies = copies;
            this.order = order;
            this.timeNanos = record.timeNanos + copies.shifts[0];
        }
    }

    /** Copy slots (devices x N) the shift cache may hold. */
    private static final int CACHED_COPIES = 1 << 20;

    private final TraceReader reader;
    private final int copies;
    private final long maxShiftNanos;
    private final long shiftSeed;
    private final PriorityQueue<Cursor> heap = new PriorityQueue<>(
            Comparator.comparingLong((Cursor c) -> c.timeNanos).thenComparingLong(c -> c.order));
    private final Map<String, Copies> cache;
    private TraceRecord lookahead;
    private boolean eof;
    private long records;
    private int maxHeap;

    FleetAmplifier(TraceReader reader, int copies, long maxShiftNanos, long shiftSeed) {
        this.reader = reader;
        this.copies = copies;
        this.maxShiftNanos = maxShiftNanos;
        this.shiftSeed = shiftSeed;
        int maxDevices = Math.max(1, CACHED_COPIES / copies);
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Copies> eldest) {
                return size() > maxDevices;
            }
        };
    }

    /** The most records the heap held at once: the bounded-memory claim, measurable. */
    int maxHeapSize() {
        return maxHeap;
    }

    /** Fills the next copy's arrival, its time still in trace time from the origin. */
    boolean next(Arrival into) {
        while (true) {
            if (lookahead == null && !eof) {
                lookahead = reader.next();
                eof = lookahead == null;
            }
            if (lookahead != null && (heap.isEmpty() || lookahead.timeNanos <= heap.peek().timeNanos)) {
                Copies c = cache.computeIfAbsent(lookahead.device,
                        d -> new Copies(d, copies, maxShiftNanos, shiftSeed));
                heap.add(new Cursor(lookahead, c, records++));
                maxHeap = Math.max(maxHeap, heap.size());
                lookahead = null;
                continue;
            }
            Cursor c = heap.poll();
            if (c == null) {
                return false;
            }
            into.clear();
            into.timeNanos = c.timeNanos;
            c.copies.fill(c.position, into);
            into.type = c.record.type;
            into.sizeBytes = c.record.sizeBytes;
            into.serviceDemand = c.record.serviceDemand;
            into.serviceNanos = c.record.serviceNanos;
            if (++c.position < copies) {
                c.timeNanos = c.record.timeNanos + c.copies.shifts[c.position];
                heap.add(c);
            }
            return true;
        }
    }
}
