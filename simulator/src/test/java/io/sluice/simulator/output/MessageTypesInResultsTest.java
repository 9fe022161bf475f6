package io.sluice.simulator.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.simulator.run.Progress;
import io.sluice.simulator.run.RunResult;
import io.sluice.simulator.run.Runner;
import io.sluice.simulator.scenario.Scenario;
import io.sluice.simulator.scenario.Scenarios;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Word message types reach results.json by name: each run counts the requests of its measured
 * window by type, and the file is the same bytes whatever the number of threads.
 */
class MessageTypesInResultsTest {
    private static final String SCENARIO = """
            duration: 3s
            warm-up: 1s
            backends:
              - {name: api, count: 2, service-time: {distribution: exponential, mean: 1ms}}
            strategies: [round-robin, least-connections]
            workload:
              kind: mixture
              sources:
                - {kind: trace, path: classpath:scenarios/traces/sample-events.jsonl, time-unit: epoch-s,
                   speed-up: 30, fields: {time: ts, device: sensor, type: kind, size: len}}
                - {kind: poisson, rate: 500, devices: 50, type: reading}
                - {kind: poisson, rate: 50, devices: 5, type: 7}
            """;

    private static Scenario scenario() {
        return Scenarios.parse(SCENARIO, "types", "types.yaml", null, Scenarios.Options.defaults());
    }

    @Test
    void requestsAreCountedByTypeNameAndAddUpToTheRequests() {
        Scenario s = scenario();
        List<RunResult> runs = new Runner(2, Progress.NONE).run(s.runs());
        JsonNode root = ResultsSchemaRules.check(ResultsJson.bytes(s, runs));
        for (int i = 0; i < runs.size(); i++) {
            JsonNode summary = root.at("/runs/" + i + "/summary");
            JsonNode byType = summary.get("requestsByType");
            List<String> names = List.copyOf(runs.get(i).requestsByType().keySet());
            assertThat(names).as("numbers first, then words alphabetically").containsExactly("7", "alarm", "close",
                    "open", "reading");
            assertThat(iterable(byType.fieldNames())).containsExactlyElementsOf(names);
            long sum = 0;
            for (Map.Entry<String, Long> e : runs.get(i).requestsByType().entrySet()) {
                assertThat(byType.get(e.getKey()).asLong()).isEqualTo(e.getValue()).isPositive();
                sum += e.getValue();
            }
            // Every arrival of this workload has a type, so the counts are the measured requests.
            assertThat(sum).isEqualTo(summary.get("requests").asLong());
            // ~500/s of readings against ~50/s of type 7 over the 2 s measured.
            assertThat(byType.get("reading").asLong()).isGreaterThan(5 * byType.get("7").asLong());
        }
        assertThat(runs.get(0).requestsByType()).as("the same workload and seed for both strategies")
                .isEqualTo(runs.get(1).requestsByType());
    }

    @Test
    void theFileIsTheSameBytesWhateverTheThreads() {
        Scenario s = scenario();
        byte[] one = ResultsJson.bytes(s, new Runner(1, Progress.NONE).run(s.runs()));
        Scenario again = scenario();
        byte[] two = ResultsJson.bytes(again, new Runner(2, Progress.NONE).run(again.runs()));
        assertThat(two).isEqualTo(one);
    }

    @Test
    void aWorkloadWithoutTypesWritesAnEmptyObject() {
        Scenario s = Scenarios.parse(SCENARIO.substring(0, SCENARIO.indexOf("workload:"))
                        + "workload: {kind: poisson, rate: 200}\n", "untyped", "untyped.yaml", null,
                Scenarios.Options.defaults());
        JsonNode root = ResultsSchemaRules.check(ResultsJson.bytes(s, new Runner(1, Progress.NONE).run(s.runs())));
        assertThat(root.at("/runs/0/summary/requestsByType").isObject()).isTrue();
        assertThat(root.at("/runs/0/summary/requestsByType").isEmpty()).isTrue();
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        return () -> it;
    }
}
