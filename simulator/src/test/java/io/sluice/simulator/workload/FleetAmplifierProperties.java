package io.sluice.simulator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** Fleet amplification over random traces: order, completeness, exact times and bounded memory. */
class FleetAmplifierProperties {
    @Property(tries = 150)
    void amplifiedOutputIsCompleteExactAndInTimeOrder(
            @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 400) Integer> gapsMs,
            @ForAll @IntRange(min = 1, max = 12) int copies,
            @ForAll @LongRange(min = 0, max = 3000) long maxShiftMs,
            @ForAll long seed) throws IOException {
        // a trace with random gaps (including 0: equal timestamps) over 5 devices
        StringBuilder csv = new StringBuilder("time,device\n");
        List<long[]> records = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < gapsMs.size(); i++) {
            t += gapsMs.get(i);
            int device = Math.floorMod(gapsMs.get(i) * 31 + i, 5);
            csv.append(t).append(",d").append(device).append('\n');
            records.add(new long[] {t, device});
        }
        Path file = Files.createTempFile("amplify", ".csv");
        try {
            Files.writeString(file, csv);
            long maxShift = maxShiftMs * 1_000_000L;
            TraceReader reader = new TraceReader(TraceSource.ofFile(file),
                    new CsvLineParser(TraceFields.defaults(), TraceTimeUnit.OFFSET_MS, new MessageTypes(), ',', true), 0, false);
            FleetAmplifier amplifier = new FleetAmplifier(reader, copies, maxShift, seed);
            List<String> out = new ArrayList<>();
            Arrival a = new Arrival();
            long previous = Long.MIN_VALUE;
            while (amplifier.next(a)) {
                assertThat(a.timeNanos).isGreaterThanOrEqualTo(previous);
                previous = a.timeNanos;
                out.add(a.deviceId + "@" + a.timeNanos);
            }
            reader.close();

            List<String> expected = new ArrayList<>();
            int mostInWindow = 0;
            for (int i = 0; i < records.size(); i++) {
                long[] r = records.get(i);
                String d = "d" + r[1];
                long[] shifts = FleetAmplifier.shiftsOf(d, copies, maxShift, seed);
                for (int k = 0; k < copies; k++) {
                    expected.add(d + "#" + k + "@" + (r[0] * 1_000_000L + shifts[k]));
                }
                int inWindow = 0;
                for (long[] other : records) {
                    if (other[0] >= r[0] && other[0] <= r[0] + maxShiftMs) {
                        inWindow++;
                    }
                }
                mostInWindow = Math.max(mostInWindow, inWindow);
            }
            assertThat(out).containsExactlyInAnyOrderElementsOf(expected);
            // bounded memory: the heap holds at most the records of one max-shift of trace time, plus
            // the one just read ahead; never copies x records
            assertThat(amplifier.maxHeapSize()).isLessThanOrEqualTo(mostInWindow + 1);
        } finally {
            Files.delete(file);
        }
    }
}
