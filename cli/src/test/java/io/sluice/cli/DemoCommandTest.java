package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.algorithms.StrategyRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice demo} end to end: the CampusIoT scenario through its proxy config's cluster and
 * every registered strategy, then the report. This is the README's main command, so it runs in full here.
 */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void runsEveryStrategyAndWritesTheReport() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new DemoCommand());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));

        int code = cmd.execute("--out", dir.toString());

        assertThat(code).as("stderr: %s", err).isZero();
        Path results = dir.resolve("results.json");
        Path index = dir.resolve("report").resolve("index.html");
        assertThat(out.toString()).contains("report:  " + index.toAbsolutePath().normalize());

        JsonNode json = new ObjectMapper().readTree(results.toFile());
        assertThat(json.path("scenario").path("name").asText()).isEqualTo(DemoCommand.SCENARIO);
        // The proxy config's own run, then every strategy with the rest of its policy.
        assertThat(json.path("runs")).hasSize(StrategyRegistry.standard().strategyNames().size() + 1);
        assertThat(json.path("runs").get(0).path("strategy").asText()).isEqualTo("current");
        assertThat(json.path("runs").get(0).path("spec").asText()).isEqualTo("weighted-round-robin");

        String html = Files.readString(index);
        assertThat(html).contains("For this workload deploy");
        for (String name : StrategyRegistry.standard().strategyNames()) {
            assertThat(html).as("the report covers %s", name).contains(name);
        }
    }
}
