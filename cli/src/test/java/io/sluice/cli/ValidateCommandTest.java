package io.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CI smoke run of {@code sluice validate}: the built-in scenario at small scale (3 s per
 * strategy, two strategies), real sockets, the real proxy. Checks the report's shape, not its
 * accuracy: every section present, every number parses, shares sum to 1 on both sides.
 */
class ValidateCommandTest {
    record Outcome(int exit, String out, String err) {
    }

    private static synchronized Outcome sluice(String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = SluiceCommand.execute(args);
            return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    @Test
    void smokeRunWritesTheSideBySideReport(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("v");
        Outcome o = sluice("validate", "--strategies", "round-robin,ring-hash", "--duration", "3s", "--warm-up", "1s",
                "--calibration-samples", "50", "--out", out.toString());
        assertThat(o.exit()).as(o.err()).isZero();
        assertThat(o.err()).contains("calibration: loopback RTT");

        String html = Files.readString(out.resolve("validation.html"));
        for (String section : new String[]{"id=\"setup\"", "id=\"calibration\"", "id=\"comparison\"",
                "id=\"winner\"", "id=\"backends\"", "id=\"note\""}) {
            assertThat(html).contains(section);
        }
        JsonNode r = new ObjectMapper().readTree(out.resolve("validation.json").toFile());
        JsonNode cal = r.get("calibration");
        assertThat(cal.get("loopbackRttMedianNanos").asDouble()).isPositive();
        assertThat(cal.get("proxyRttMedianNanos").asDouble()).isPositive();
        assertThat(r.get("strategies")).hasSize(2);
        for (JsonNode s : r.get("strategies")) {
            for (String side : new String[]{"predicted", "measured"}) {
                JsonNode n = s.get(side);
                for (String k : new String[]{"p50Ms", "p90Ms", "p99Ms", "meanMs", "errorRate", "jain"}) {
                    assertThat(n.get(k).isNumber()).as(side + "." + k + " of " + s.get("strategy")).isTrue();
                    assertThat(n.get(k).asDouble()).as(side + "." + k).isGreaterThanOrEqualTo(0);
                }
                assertThat(n.get("requests").asLong()).as(side + " requests").isPositive();
                assertThat(n.get("share")).hasSize(4);
                double sum = 0;
                for (Iterator<Map.Entry<String, JsonNode>> it = n.get("share").fields(); it.hasNext(); ) {
                    sum += it.next().getValue().asDouble();
                }
                assertThat(sum).as(side + " shares of " + s.get("strategy")).isCloseTo(1.0,
                        org.assertj.core.data.Offset.offset(1e-9));
                assertThat(n.get("utilisation")).hasSize(4);
            }
        }
    }

    @Test
    void aWarmUpNotShorterThanTheDurationIsRefused(@TempDir Path dir) {
        Outcome o = sluice("validate", "--duration", "2s", "--warm-up", "2s", "--out", dir.toString());
        assertThat(o.exit()).isNotZero();
        assertThat(o.err()).contains("--warm-up (2s) must be shorter than --duration (2s)");
    }

    @Test
    void anUnknownStrategyIsRefusedWithTheValidOnes(@TempDir Path dir) {
        Outcome o = sluice("validate", "--strategies", "fastest", "--out", dir.toString());
        assertThat(o.exit()).isNotZero();
        assertThat(o.err()).contains("unknown strategy 'fastest'").contains("round-robin");
    }
}
