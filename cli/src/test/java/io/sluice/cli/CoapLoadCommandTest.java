package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code sluice coap-load}'s argument errors; the run itself is CoapLoadRunTest's (load-tests). */
class CoapLoadCommandTest {
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
        assertThat(fails("coap-load")).contains("give either --target HOST:PORT or --servers K");
        assertThat(fails("coap-load", "--target", "127.0.0.1:5683", "--servers", "3"))
                .contains("give either --target HOST:PORT or --servers K");
        assertThat(fails("coap-load", "--target", "nowhere")).contains("--target: 'nowhere' is not HOST:PORT");
        assertThat(fails("coap-load", "--servers", "3", "--payload", "2000")).contains("--payload 0 to 1024");
        assertThat(fails("coap-load", "--servers", "3", "--max-retransmit", "21")).contains("--max-retransmit 0 to 20");
        assertThat(fails("coap-load", "--servers", "3", "--ack-timeout", "0s")).contains("--ack-timeout: 0s must be above 0");
    }

    @Test
    void moreDevicesThanTheOpenFileLimitAllowsAreRefusedBeforeAnySocketOpens() {
        // A device is a socket, and the self-contained proxy holds one more per device: 10 million is over any limit.
        assertThat(fails("coap-load", "--servers", "3", "--devices", "10000000"))
                .contains("(ulimit -n) and needs about 20001000 for 10000000 devices with the proxy in this process")
                .contains("raise ulimit -n, run fewer devices, or run the proxy apart and give --target");
    }
}
