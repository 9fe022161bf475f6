package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.status.Status;
import io.sluice.proxy.BuildInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** {@code --version} prints what the build stamped; {@code --log-format} gives one text or JSON line per event. */
class VersionAndLoggingTest {
    @AfterEach
    void backToText() {
        Logging.configure(Logging.Format.TEXT);
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new SluiceCommand());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        assertThat(code).as("stderr: %s", err).isZero();
        return out.toString();
    }

    @Test
    void versionIsTheProjectVersionFromTheBuild() throws Exception {
        // The parent pom's own version, read here rather than written down a second time.
        String pom = Files.readString(Path.of("..", "pom.xml"));
        Matcher m = Pattern.compile("<artifactId>sluice-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(m.find()).isTrue();
        assertThat(BuildInfo.version()).isEqualTo(m.group(1));
        assertThat(run("--version")).startsWith("sluice " + m.group(1) + System.lineSeparator()).contains("Java ");
        assertThat(run("proxy", "--version")).startsWith("sluice " + m.group(1));
    }

    @Test
    void withoutAFormatLogbackStartsFromOurDefaultsWithoutErrors() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(context.getStatusManager().getCopyOfStatusList())
                .anyMatch(st -> st.getMessage().contains(LogDefaults.class.getName()))
                .noneMatch(st -> st.getLevel() >= Status.WARN);
    }

    @Test
    void jsonLogFormatWritesOneObjectPerEventExceptionIncluded() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logging.configure(Logging.Format.JSON, out);
        Logger log = LoggerFactory.getLogger("io.sluice.test");
        log.info("reloaded {}", "from sluice.yaml");
        log.error("cannot bind", new IllegalStateException("address in use\nsecond line"));
        LoggerFactory.getLogger("io.netty.test").info("a Netty INFO is below the Netty threshold");
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines[0]);
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("loggerName").asText()).isEqualTo("io.sluice.test");
        assertThat(first.get("formattedMessage").asText()).isEqualTo("reloaded from sluice.yaml");
        assertThat(first.get("timestamp").asLong()).isPositive();
        JsonNode second = json.readTree(lines[1]);
        assertThat(second.get("level").asText()).isEqualTo("ERROR");
        assertThat(second.get("throwable").toString()).contains("IllegalStateException", "address in use");
    }

    @Test
    void textLogFormatKeepsAStackTraceOnTheEventsLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logging.configure(Logging.Format.TEXT, out);
        LoggerFactory.getLogger("io.sluice.test").info("plain");
        LoggerFactory.getLogger("io.sluice.test").warn("backend down", new RuntimeException("boom"));
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).endsWith(" INFO  [main] test - plain");
        assertThat(lines[2]).isEmpty();
        String text = lines[1] + "\n";
        assertThat(text).matches("\\d{4}-\\d\\d-\\d\\dT[^ ]+ WARN  \\[[^]]+] test - backend down"
                + " java.lang.RuntimeException: boom \\| at .*\n");
    }

    @Test
    void anUnknownLogFormatIsRefusedNamingTheChoices() {
        StringWriter err = new StringWriter();
        CommandLine cmd = SluiceCommand.commandLine();
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute("proxy", "--log-format", "xml", "--config", "x.yaml");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("--log-format: 'xml' is not a log format; text or json");
    }
}
