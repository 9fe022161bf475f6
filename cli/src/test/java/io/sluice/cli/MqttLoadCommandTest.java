package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code sluice mqtt-load}'s argument errors; the run itself is MqttLoadRunTest's (load-tests). */
class MqttLoadCommandTest {
    private static String fails(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cmd = SluiceCommand.commandLine();
        cmd.setOut(new PrintWriter(new StringWriter(), true));
        cmd.setErr(new PrintWriter(err, true));
        assertThat(cmd.execute(args)).as("stderr: %s", err).isEqualTo(1);
        return err.toString();
    }

    @Test
    void badArgumentsAreNamedWithWhatIsAllowed() {
        assertThat(fails("mqtt-load")).contains("give either --target HOST:PORT");
        assertThat(fails("mqtt-load", "--target", "127.0.0.1:1883", "--mosquitto", "3"))
                .contains("give either --target HOST:PORT");
        assertThat(fails("mqtt-load", "--target", "nowhere")).contains("--target: 'nowhere' is not HOST:PORT");
        assertThat(fails("mqtt-load", "--target", "127.0.0.1:1883,nowhere")).contains("--target: 'nowhere' is not HOST:PORT");
        assertThat(fails("mqtt-load", "--target", "127.0.0.1:1883", "--proxies", "2"))
                .contains("--proxies starts proxies for a self-contained run");
        assertThat(fails("mqtt-load", "--mosquitto", "3", "--proxies", "0")).contains("--proxies");
        assertThat(fails("mqtt-load", "--mosquitto", "3", "--qos", "2")).contains("--qos 0 or 1");
        assertThat(fails("mqtt-load", "--mosquitto", "3", "--timeout", "0s")).contains("--timeout: 0s must be above 0");
    }
}
