package io.sluice.simulator.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.simulator.output.ResultsJson;
import io.sluice.simulator.output.ResultsSchemaRules;
import io.sluice.simulator.scenario.Scenario;
import io.sluice.simulator.scenario.Scenarios;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every built-in scenario parses and runs, shortened to two strategies and two seeds (the built-ins'
 * own lengths are what the demo runs, so they are kept), and writes a results file that keeps the
 * schema's rules; the event each one is about shows in its results.
 */
class BuiltinScenariosTest {
    @ParameterizedTest
    @ValueSource(strings = {"campusiot-fleet", "poisson-baseline", "backend-crash", "reconnect-storm",
            "synchronised-access", "runaway-firmware"})
    void runsShortenedAndKeepsTheSchema(String name) {
        Scenario full = Scenarios.builtin(name, Scenarios.Options.defaults());
        assertThat(full.source()).isEqualTo("builtin:" + name);
        assertThat(full.description()).isNotBlank();
        assertThat(full.seeds()).as("built-ins run the default number of seeds").isEqualTo(Scenario.DEFAULT_SEEDS);
        Scenario s = full.withStrategies(List.of("p2c-least-request", "ring-hash")).withSeeds(2);
        List<RunResult> results = new Runner(2, Progress.NONE).run(s.runs());
        JsonNode root = ResultsSchemaRules.check(ResultsJson.bytes(s, results));
        assertThat(root.at("/scenario/name").asText()).isEqualTo(name);
        JsonNode p2c = root.at("/runs/0/summary");
        assertThat(p2c.get("requests").asLong()).isGreaterThan(10_000);
        switch (name) {
            case "campusiot-fleet" -> {
                assertThat(root.at("/scenario/backends/count").asInt()).isEqualTo(12);
                // 10,000 devices: the copies of the three devices that send in the 30 h replayed; a few
                // copies of the sparse IMST device send only during the warm-up, so they are not counted.
                assertThat(results.get(0).seeds().get(0).affinity().devices()).isBetween(9_500L, 10_000L);
                // Consistent hashing keeps every device where it was.
                assertThat(root.at("/runs/1/summary/affinity/hitRate").asDouble()).isEqualTo(1.0);
                // The slowdown of std-2 (x10 from 20 s to 30 s, intervals 10 to 19 after the 10 s
                // warm-up) raises its utilisation while it lasts.
                JsonNode u = root.at("/runs/0/timeSeries/backendUtilisation/std-2");
                assertThat(u.get(15).asDouble()).isGreaterThan(u.get(2).asDouble());
            }
            case "poisson-baseline" -> {
                assertThat(results).hasSize(10);
                // Mean latency grows with the load.
                assertThat(root.at("/runs/4/summary/latencyMs/mean").asDouble())
                        .isGreaterThan(root.at("/runs/0/summary/latencyMs/mean").asDouble());
            }
            case "backend-crash" -> {
                assertThat(p2c.get("errors").asLong() + p2c.get("retries").asLong()).isPositive();
                assertThat(root.at("/runs/1/summary/affinity/sessionsMoved").asLong()).isPositive();
            }
            case "reconnect-storm", "synchronised-access" -> {
                JsonNode tput = root.at("/runs/0/timeSeries/throughputPerSecond");
                double min = Double.MAX_VALUE;
                double max = 0;
                for (JsonNode v : tput) {
                    min = Math.min(min, v.asDouble());
                    max = Math.max(max, v.asDouble());
                }
                // The surge: the busiest interval carries several times the quietest.
                assertThat(max).isGreaterThan(3 * min);
            }
            case "runaway-firmware" -> {
                // Each strategy without, then with protection; the second refuses the runaway meters' excess.
                assertThat(results).hasSize(4);
                assertThat(root.at("/runs/1/protection/enabled").asBoolean()).isTrue();
                assertThat(root.at("/runs/1/summary/rateLimited").asLong()).isPositive();
                assertThat(root.at("/runs/0/summary/rateLimited").asLong()).isZero();
            }
            default -> throw new IllegalStateException(name);
        }
    }
}
