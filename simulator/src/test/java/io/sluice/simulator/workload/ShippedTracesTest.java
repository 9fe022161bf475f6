package io.sluice.simulator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.simulator.scenario.Scenario;
import io.sluice.simulator.scenario.Scenarios;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CampusIoT traces the project ships in {@code data/traces/campusiot-helium} are on the class
 * path with their licence and attribution, replay as many frames and devices as their README says,
 * and every built-in scenario opens its workload: a trace missing from the build fails here, it is
 * never skipped.
 */
class ShippedTracesTest {
    private static final String FOLDER = "data/traces/campusiot-helium/";

    private static String resourceText(String name) throws IOException {
        try (InputStream in = ShippedTracesTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name + " on the class path").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void licenceAndAttributionShipWithTheTraces() throws IOException {
        String readme = resourceText(FOLDER + "README.md");
        assertThat(readme).contains("The Helium LoRaWAN frames dataset", "Didier Donsez", "Olivier Alphand",
                "github.com/CampusIoT/datasets", "ODbL-1.0", "https://opendatacommons.org/licenses/odbl/1-0/");
        assertThat(resourceText(FOLDER + "LICENSE.txt")).contains("Open Database License", "ODbL-1.0");
        assertThat(resourceText(FOLDER + "endpoints.csv")).startsWith("Name;DevEUI;");
    }

    @ParameterizedTest
    @ValueSource(strings = {"EMS_A81758FFFE04B1C1.ndjson.gz", "FTD_0018B20000020.ndjson.gz",
            "IMST_33323431007C727B.ndjson.gz"})
    void framesAndDevicesMatchTheReadme(String file) throws IOException {
        String readme = resourceText(FOLDER + "README.md");
        Matcher row = Pattern.compile("\\| " + Pattern.quote(file) + " \\| ([0-9,]+) \\| ([0-9]+)").matcher(readme);
        assertThat(row.find()).as("README row for " + file).isTrue();
        long frames = Long.parseLong(row.group(1).replace(",", ""));
        int devices = Integer.parseInt(row.group(2));

        WorkloadSpec spec = Workloads.parse(Recorded.yaml("kind: trace\nformat: campusiot\n"
                + "path: classpath:" + FOLDER + file), "workload", Path.of(""));
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

    @Test
    void amplifiedRealTraceStaysInOrderInASmallWindow() {
        // 8110 frames x 100 copies, each shifted up to 30 min of trace time, played 10000x faster
        WorkloadSpec spec = Workloads.parse(Recorded.yaml("kind: trace\nformat: campusiot\n"
                + "path: classpath:" + FOLDER + "EMS_A81758FFFE04B1C1.ndjson.gz\nspeed-up: 10000\n"
                + "amplify: {copies: 100, max-shift: 30m}"), "workload", Path.of(""));
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
        TraceSource source = new TraceLocator(null).resolve("classpath:" + FOLDER + "EMS_A81758FFFE04B1C1.ndjson.gz",
                "path");
        try (TraceReader reader = new TraceReader(source,
                new JsonLineParser(TraceFields.campusIot(), TraceTimeUnit.EPOCH_MS, new MessageTypes()), 0, false)) {
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

    static Iterable<String> builtinNames() {
        return Scenarios.builtinNames();
    }

    /** Parsing finds every trace a built-in names; opening reads the first record of each source. */
    @ParameterizedTest
    @MethodSource("builtinNames")
    void everyBuiltinScenarioOpensItsWorkload(String name) {
        Scenario s = Scenarios.builtin(name, Scenarios.Options.defaults());
        try (ArrivalStream stream = s.workload().open(s.seed(), Long.MAX_VALUE)) {
            Arrival a = new Arrival();
            assertThat(stream.next(a)).as(name + " yields an arrival").isTrue();
            assertThat(a.deviceId).isNotNull();
        }
    }
}
