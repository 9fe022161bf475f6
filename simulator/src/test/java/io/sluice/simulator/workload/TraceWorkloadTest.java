package io.sluice.simulator.workload;

import static io.sluice.simulator.workload.Recorded.MS;
import static io.sluice.simulator.workload.Recorded.SECOND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceWorkloadTest {
    @TempDir
    Path dir;

    private static List<Recorded> replay(String yaml) {
        return Recorded.all(Recorded.parse(yaml), 1, Long.MAX_VALUE);
    }

    private static List<Long> times(List<Recorded> rs) {
        return rs.stream().map(Recorded::time).toList();
    }

    private String write(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f.toString();
    }

    @Test
    void csvWithHeaderAndDefaultColumnNames() {
        List<Recorded> rs = replay("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-ms");
        assertThat(times(rs)).containsExactly(0L, SECOND, SECOND, 2500 * MS, 4 * SECOND);
        assertThat(rs).extracting(Recorded::device).containsExactly("a", "b", "a", "c", "b");
        assertThat(rs).extracting(Recorded::type).containsExactly(1, 2, 1, -1, 2);
        assertThat(rs).extracting(Recorded::size).containsExactly(10, 20, -1, 30, 20);
        assertThat(rs.get(0).demand()).isEqualTo(1.5);
        assertThat(rs.get(1).demand()).isNaN();
        assertThat(rs.get(2).demand()).isEqualTo(0.5);
    }

    @Test
    void speedUpCompressesTime() {
        List<Recorded> rs = replay("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-ms\nspeed-up: 4");
        assertThat(times(rs)).containsExactly(0L, 250 * MS, 250 * MS, 625 * MS, SECOND);
        List<Recorded> slower = replay("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-ms\n"
                + "speed-up: 0.5");
        assertThat(times(slower)).containsExactly(0L, 2 * SECOND, 2 * SECOND, 5 * SECOND, 8 * SECOND);
    }

    @Test
    void csvWithOtherDelimiterQuotesCommentsAndFractionalEpochSeconds() {
        List<Recorded> rs = replay("kind: trace\npath: classpath:traces/semicolon-quoted.csv\ndelimiter: ';'\n"
                + "time-unit: epoch-s\nfields: {time: ts, device: dev}");
        assertThat(times(rs)).containsExactly(0L, 750 * MS);
        assertThat(rs).extracting(Recorded::device).containsExactly("x\"1", "y");
    }

    @Test
    void headerlessCsvNamesColumnsByNumber() {
        List<Recorded> rs = replay("kind: trace\npath: classpath:traces/headerless.csv\nheader: false\n"
                + "time-unit: offset-s\nfields: {type: 2}");
        assertThat(times(rs)).containsExactly(5 * SECOND, 6 * SECOND);
        assertThat(rs).extracting(Recorded::device).containsExactly("d1", "d2");
        assertThat(rs).extracting(Recorded::type).containsExactly(7, 8);
    }

    @Test
    void jsonLinesReadTopLevelFieldsOnly() {
        String yaml = "kind: trace\npath: %s\ntime-unit: epoch-ms\nfields: {time: ts, device: dev, type: port, "
                + "size: bytes}";
        List<Recorded> rs = replay(yaml.formatted("classpath:traces/events.jsonl"));
        assertThat(times(rs)).containsExactly(0L, 250 * MS, SECOND);
        assertThat(rs).extracting(Recorded::device).containsExactly("s1", "s2", "42");
        assertThat(rs).extracting(Recorded::type).containsExactly(3, -1, -1);
        assertThat(rs).extracting(Recorded::size).containsExactly(12, 7, -1);
        // gzip, by name and by magic alone
        assertThat(replay(yaml.formatted("classpath:traces/events.jsonl.gz"))).isEqualTo(rs);
    }

    @Test
    void gzipIsDetectedByItsMagicWhateverTheName() throws IOException {
        Path disguised = dir.resolve("events.jsonl");
        try (InputStream in = getClass().getResourceAsStream("/traces/events.jsonl.gz")) {
            Files.copy(in, disguised);
        }
        List<Recorded> rs = replay("kind: trace\npath: " + disguised + "\ntime-unit: epoch-ms\n"
                + "fields: {time: ts, device: dev}");
        assertThat(rs).hasSize(3);
        String fake = write("plain.csv.gz", "time,device\n0,a\n");
        assertThatThrownBy(() -> replay("kind: trace\npath: " + fake + "\ntime-unit: offset-s"))
                .isInstanceOf(WorkloadException.class).hasMessageContaining("plain.csv.gz: named .gz but not gzip");
    }

    @Test
    void campusIotFormat() {
        List<Recorded> rs = replay("kind: trace\npath: classpath:traces/campusiot-sample.ndjson.gz\nformat: campusiot");
        assertThat(times(rs)).containsExactly(0L, 1_800_040 * MS, 1_800_500 * MS, 3_600 * SECOND);
        assertThat(rs).extracting(Recorded::device).containsExactly("A81758FFFE04B1C1", "0018B20000020CBC",
                "A81758FFFE04B1C1", "0018B20000020CBC");
        assertThat(rs).extracting(Recorded::type).containsExactly(5, 1, 5, 2);
        assertThat(rs).extracting(Recorded::size).containsExactly(23, 15, 23, -1);
        assertThat(rs.get(0).hash()).isEqualTo(io.sluice.algorithms.Hashing.hash64("A81758FFFE04B1C1"));
    }

    @Test
    void relativePathsResolveAgainstTheScenarioFolder() {
        assertThat(replay("kind: trace\npath: traces/fleet.csv\ntime-unit: offset-ms")).hasSize(5);
    }

    @Test
    void malformedLinesNameFileLineAndField() throws IOException {
        assertThatThrownBy(() -> replay("kind: trace\npath: classpath:traces/bad.csv\ntime-unit: offset-ms"))
                .isInstanceOf(WorkloadException.class)
                .hasMessageStartingWith("classpath:traces/bad.csv:4: field 'time': 'twenty' is not a number")
                .hasMessageContaining("skip-bad-lines");
        String device = write("device.csv", "time,device\n0,a\n5,\n");
        assertThatThrownBy(() -> replay("kind: trace\npath: " + device + "\ntime-unit: offset-ms"))
                .hasMessageStartingWith(device + ":3: field 'device': missing or empty");
        String size = write("size.csv", "time,device,size\n0,a,-5\n");
        assertThatThrownBy(() -> replay("kind: trace\npath: " + size + "\ntime-unit: offset-ms"))
                .hasMessageStartingWith(size + ":2: field 'size': '-5' is not allowed");
        String json = write("bad.jsonl", "{\"time\": 1, \"device\": \"a\"}\n{\"time\": 2, \"device\": \n");
        assertThatThrownBy(() -> replay("kind: trace\npath: " + json + "\ntime-unit: offset-ms"))
                .hasMessageStartingWith(json + ":2: not valid JSON");
        String nested = write("nested.jsonl", "{\"time\": {\"ms\": 1}, \"device\": \"a\"}\n");
        assertThatThrownBy(() -> replay("kind: trace\npath: " + nested + "\ntime-unit: offset-ms"))
                .hasMessageStartingWith(nested + ":1: field 'time': expected a number or a string, got an object");
        String negative = write("negative.csv", "time,device\n-3,a\n");
        assertThatThrownBy(() -> replay("kind: trace\npath: " + negative + "\ntime-unit: offset-s"))
                .hasMessageStartingWith(negative + ":2: field 'time': '-3' is negative");
    }

    @Test
    void aHeaderWithoutTheTimeColumnFailsEvenWhenSkipping() throws IOException {
        String f = write("noheader.csv", "when,device\n0,a\n");
        assertThatThrownBy(() -> replay("kind: trace\npath: " + f + "\ntime-unit: offset-s\nskip-bad-lines: true"))
                .hasMessageStartingWith(f + ":1: field 'time': the header has no such column (columns: when, device)");
        String g = write("notype.csv", "time,device\n0,a\n");
        assertThatThrownBy(() -> replay("kind: trace\npath: " + g + "\ntime-unit: offset-s\nfields: {type: port}"))
                .hasMessageContaining("field 'port': the header has no such column");
    }

    @Test
    void skipBadLinesCountsAndSkips() {
        WorkloadSpec spec = Recorded.parse("kind: trace\npath: classpath:traces/bad.csv\ntime-unit: offset-ms\n"
                + "skip-bad-lines: true");
        List<Recorded> rs = new ArrayList<>();
        try (ArrivalStream s = spec.open(1, Long.MAX_VALUE)) {
            Arrival a = new Arrival();
            while (s.next(a)) {
                rs.add(Recorded.of(a));
            }
            assertThat(s.skippedLines()).isEqualTo(3);
        }
        assertThat(rs).extracting(Recorded::device).containsExactly("a", "b", "e");
        // a mixture sums its sources' counts
        WorkloadSpec mixture = Recorded.parse("kind: mixture\nsources:\n"
                + "  - {kind: trace, path: classpath:traces/bad.csv, time-unit: offset-ms, skip-bad-lines: true}\n"
                + "  - {kind: trace, path: classpath:traces/bad.csv, time-unit: offset-ms, skip-bad-lines: true}");
        try (ArrivalStream s = mixture.open(1, Long.MAX_VALUE)) {
            Arrival a = new Arrival();
            while (s.next(a)) {
                assertThat(a.deviceId).isNotNull();
            }
            assertThat(s.skippedLines()).isEqualTo(6);
        }
    }

    @Test
    void outOfOrderLinesFailByDefault() {
        assertThatThrownBy(() -> replay("kind: trace\npath: classpath:traces/unsorted.csv\ntime-unit: offset-ms"))
                .hasMessageStartingWith("classpath:traces/unsorted.csv:4: field 'time': timestamp goes back 20ms")
                .hasMessageContaining("reorder-window 0s");
    }

    @Test
    void aReorderWindowSortsSmallDisorderAndRejectsLargeOnes() {
        String yaml = "kind: trace\npath: classpath:traces/unsorted.csv\ntime-unit: offset-ms\nreorder-window: 50ms";
        // 80 after 100 and 250 after 300 are within 50 ms; 100 after 500 (line 8) is not
        assertThatThrownBy(() -> replay(yaml)).hasMessageStartingWith("classpath:traces/unsorted.csv:8: field 'time'");
        List<Recorded> rs = replay(yaml + "\nskip-bad-lines: true");
        assertThat(rs).extracting(Recorded::device).containsExactly("a", "c", "b", "e", "d", "f", "h");
        assertThat(times(rs)).containsExactly(0L, 80 * MS, 100 * MS, 250 * MS, 300 * MS, 500 * MS, 600 * MS);
    }

    @Test
    void epochTracesStartAtTheEarliestRecordEvenWhenItIsNotFirst() throws IOException {
        String f = write("late-first.csv", "time,device\n1000,a\n990,b\n1010,c\n");
        List<Recorded> rs = replay("kind: trace\npath: " + f + "\ntime-unit: epoch-s\nreorder-window: 30s");
        assertThat(times(rs)).containsExactly(0L, 10 * SECOND, 20 * SECOND);
    }

    @Test
    void amplificationMakesShiftedCopiesOfEachDevice() {
        WorkloadSpec spec = Recorded.parse("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-ms\n"
                + "amplify: {copies: 3, max-shift: 2s}");
        List<Recorded> rs = Recorded.all(spec, 77, Long.MAX_VALUE);
        assertThat(rs).hasSize(15);
        long shiftSeed = Seeds.derive(77, 1);
        List<Recorded> expected = new ArrayList<>();
        long[][] records = {{0, 'a'}, {1000, 'b'}, {1000, 'a'}, {2500, 'c'}, {4000, 'b'}};
        for (long[] rec : records) {
            String d = String.valueOf((char) rec[1]);
            long[] shifts = FleetAmplifier.shiftsOf(d, 3, 2 * SECOND, shiftSeed);
            for (int k = 0; k < 3; k++) {
                assertThat(shifts[k]).isBetween(0L, 2 * SECOND - 1);
                expected.add(new Recorded(rec[0] * MS + shifts[k], d + "#" + k, 0, 0, 0, 0));
            }
        }
        assertThat(rs).extracting(r -> r.device() + "@" + r.time())
                .containsExactlyInAnyOrderElementsOf(expected.stream().map(r -> r.device() + "@" + r.time()).toList());
        // each copy keeps its device's real gaps: a#k at 0 + s and 1000 ms + s
        List<Long> a1 = rs.stream().filter(r -> r.device().equals("a#1")).map(Recorded::time).toList();
        assertThat(a1.get(1) - a1.get(0)).isEqualTo(SECOND);
        assertThat(rs).filteredOn(r -> r.device().startsWith("a#")).extracting(Recorded::type).containsOnly(1);
    }

    @Test
    void emptyTracesGiveNoArrivals() throws IOException {
        String headerOnly = write("header-only.csv", "time,device\n\n# nothing recorded\n");
        assertThat(replay("kind: trace\npath: " + headerOnly + "\ntime-unit: epoch-ms")).isEmpty();
        String empty = write("empty.jsonl", "");
        assertThat(replay("kind: trace\npath: " + empty + "\ntime-unit: epoch-ms\n"
                + "amplify: {copies: 5, max-shift: 1s}")).isEmpty();
    }

    @Test
    void timestampsBeyondTheNanosecondRangeAreBadLines() throws IOException {
        // 10^13 s is past the year 2262, the end of a long of nanoseconds
        String f = write("far.csv", "time,device\n10000000000000,a\n1.5e3,b\n");
        assertThatThrownBy(() -> replay("kind: trace\npath: " + f + "\ntime-unit: epoch-s"))
                .hasMessageStartingWith(f + ":2: field 'time': '10000000000000' is out of range for epoch-s");
        List<Recorded> rs = replay("kind: trace\npath: " + f + "\ntime-unit: offset-s\nskip-bad-lines: true");
        assertThat(times(rs)).containsExactly(1500 * SECOND); // exponent notation is a number too
    }

    @Test
    void oneRecordAmplifiedIntoOneCopy() throws IOException {
        String f = write("one.csv", "time,device\n7,solo\n");
        List<Recorded> rs = replay("kind: trace\npath: " + f + "\ntime-unit: offset-s\n"
                + "amplify: {copies: 1, max-shift: 0s}");
        assertThat(rs).containsExactly(new Recorded(7 * SECOND, "solo#0",
                io.sluice.algorithms.Hashing.hash64("solo#0"), -1, -1, Double.NaN));
    }

    @Test
    void amplifiedWithSpeedUpAndHorizon() {
        WorkloadSpec spec = Recorded.parse("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-ms\n"
                + "speed-up: 10\namplify: {copies: 50, max-shift: 1s}");
        List<Recorded> all = Recorded.all(spec, 3, Long.MAX_VALUE);
        assertThat(all).hasSize(250);
        assertThat(all.get(all.size() - 1).time()).isLessThan(500 * MS); // (4000 + <1000) ms / 10
        List<Recorded> early = Recorded.all(spec, 3, 150 * MS);
        assertThat(early).isEqualTo(all.stream().filter(r -> r.time() <= 150 * MS).toList());
    }
}
