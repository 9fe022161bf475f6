package io.sluice.simulator.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays the real CampusIoT traces kept beside the repository (../shared/traces) and checks them
 * against the README's table. Skipped only when the shared folder is absent.
 */
class SharedTraceTest {
    private static Path sharedFolder() {
        for (Path p : TraceLocator.system(Path.of("")).sharedCandidates()) {
            if (Files.isRegularFile(p.resolve("campusiot-helium/EMS_A81758FFFE04B1C1.ndjson.gz"))) {
                return p;
            }
        }
        return null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"EMS_A81758FFFE04B1C1.ndjson.gz", "FTD_0018B20000020.ndjson.gz",
            "IMST_33323431007C727B.ndjson.gz"})
    void framesAndDevicesMatchTheReadme(String file) throws IOException {
        Path shared = sharedFolder();
        assumeTrue(shared != null, "shared/traces not found beside the repository");
        String readme = Files.readString(shared.resolve("README.md"));
        Matcher row = Pattern.compile("\\| " + Pattern.quote(file) + " \\| ([0-9,]+) \\| ([0-9]+)").matcher(readme);
        assertThat(row.find()).as("README row for " + file).isTrue();
        long frames = Long.parseLong(row.group(1).replace(",", ""));
        int devices = Integer.parseInt(row.group(2));

        WorkloadSpec spec = Workloads.parse(Recorded.document("kind: trace\nformat: campusiot\n"
                + "path: shared:campusiot-helium/" + file), "w.yaml", Path.of(""));
        long count = 0;
        long previous = -1;
        Set<String> ids = new HashSet<>();
        try (ArrivalStream s = spec.open(1, Long.MAX_VALUE)) {
            Arrival a = new Arrival();
            while (s.next(a)) {
                count++;
                assertThat(a.timeNanos).isGreaterThanOrEqualTo(previous);
                previous = a.timeNanos;
                ids.add(a.deviceId);
                assertThat(a.sizeBytes).isGreaterThanOrEqualTo(0);
                assertThat(a.type).isGreaterThanOrEqualTo(0);
            }
            assertThat(s.skippedLines()).isZero();
        }
        assertThat(count).isEqualTo(frames);
        assertThat(ids).hasSize(devices);
    }

    @org.junit.jupiter.api.Test
    void amplifiedRealTraceStaysInOrderInASmallWindow() {
        assumeTrue(sharedFolder() != null, "shared/traces not found beside the repository");
        // 8110 frames x 100 copies, each shifted up to 30 min of trace time, played 10000x faster
        WorkloadSpec spec = Workloads.parse(Recorded.document("kind: trace\nformat: campusiot\n"
                + "path: shared:campusiot-helium/EMS_A81758FFFE04B1C1.ndjson.gz\nspeed-up: 10000\n"
                + "amplify: {copies: 100, max-shift: 30m}"), "w.yaml", Path.of(""));
        long count = 0;
        long previous = -1;
        Set<String> ids = new HashSet<>();
        try (ArrivalStream s = spec.open(5, Long.MAX_VALUE)) {
            Arrival a = new Arrival();
            while (s.next(a)) {
                count++;
                assertThat(a.timeNanos).isGreaterThanOrEqualTo(previous);
                previous = a.timeNanos;
                ids.add(a.deviceId);
            }
        }
        assertThat(count).isEqualTo(8110L * 100);
        assertThat(ids).hasSize(100).contains("A81758FFFE04B1C1#0", "A81758FFFE04B1C1#99");

        // the heap holds a few records (those of the last 30 min of trace), not 811000 copies
        TraceSource source = TraceSource.ofFile(sharedFolder().resolve("campusiot-helium/EMS_A81758FFFE04B1C1.ndjson.gz"));
        try (TraceReader reader = new TraceReader(source,
                new JsonLineParser(TraceFields.campusIot(), TraceTimeUnit.EPOCH_MS), 0, false)) {
            FleetAmplifier amplifier = new FleetAmplifier(reader, 100, 30 * 60 * Recorded.SECOND, 5);
            Arrival a = new Arrival();
            long n = 0;
            while (amplifier.next(a)) {
                n++;
            }
            assertThat(n).isEqualTo(8110L * 100);
            assertThat(amplifier.maxHeapSize()).isLessThan(100);
        }
    }
}
