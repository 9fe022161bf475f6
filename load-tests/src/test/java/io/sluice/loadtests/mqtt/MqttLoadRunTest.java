package io.sluice.loadtests.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The load generator end to end at a size CI affords: 200 devices through a Sluice proxy started
 * in-process to three real mosquitto brokers, publishing QoS 1, a reconnect storm, then one broker
 * killed; once with that proxy in-process, once with a fleet of two proxy processes. The brokers
 * themselves say where each device is; the cluster's hash says where it should be.
 */
class MqttLoadRunTest {

    @Test
    void everyDeviceIsOnItsHashChosenBrokerAndAKilledBrokerMovesOnlyItsDevices() throws Exception {
        assumeMosquitto();
        int devices = 200;
        MqttLoadRun.Report r = runAndCheck(1, devices, Duration.ofSeconds(2), true);
        assertThat(r.connectsPerProxy()).hasSize(1);
        MqttFleet.PhaseResult publish = r.phases().get(1);
        assertThat(publish.name()).isEqualTo("publish");
        // 200 devices x 2/s x 2 s = 800 scheduled sends; a send due exactly at the end may or may not go.
        assertThat(publish.events()).isBetween(600L, 800L + devices);
        assertThat(publish.failures()).as("every QoS 1 message acknowledged").isZero();
        assertThat(publish.latency().getTotalCount()).isEqualTo(publish.events());
    }

    /**
     * The fleet mode: two proxies, each its own JVM, on one config; connections alternate between
     * them, so a device's reconnects come through the other proxy, and every check still holds
     * because each proxy hashes the client id to the same broker. Smaller (no publish, no storm):
     * two more JVMs start cold on the test machine.
     */
    @Test
    void aFleetOfTwoProxyProcessesPlacesEveryDeviceOnItsHashChosenBroker() throws Exception {
        assumeMosquitto();
        MqttLoadRun.Report r = runAndCheck(2, 100, Duration.ZERO, false);
        assertThat(r.connectsPerProxy()).hasSize(2);
        long total = r.connectsPerProxy().get(0) + r.connectsPerProxy().get(1);
        // Attempts alternate exactly; only a failed attempt (none expected) makes accepted connects uneven.
        assertThat(r.connectsPerProxy()).as("round robin over the proxies").allSatisfy(
                n -> assertThat(n).isGreaterThanOrEqualTo(total / 3));
    }

    private static void assumeMosquitto() {
        assumeTrue(MosquittoBroker.executable().isPresent(),
                "mosquitto is not installed (apt-get install -y mosquitto; CI installs it): skipping this test");
    }

    private static MqttLoadRun.Report runAndCheck(int proxies, int devices, Duration publish, boolean storm)
            throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        MqttLoadRun.Report r;
        try (PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            r = MqttLoadRun.run(new MqttLoadRun.Options(devices, List.of(), null, null, 3, proxies, 7L, 500, 100, 2,
                    2.0, 1, 64, publish, storm, "b2", Duration.ofSeconds(30)), out);
        }
        String log = text.toString(StandardCharsets.UTF_8);
        System.out.print(log);
        assertThat(r.placedBefore()).as(log).isEqualTo(devices);
        assertThat(r.onHashBefore()).as(log).isEqualTo(devices);
        // A ring over three brokers gives each a share; 100 keys leave none empty (each share is far above 1/100).
        assertThat(r.devicesPerBroker()).as(log).containsOnlyKeys("b1", "b2", "b3");
        assertThat(r.onHashAfterStorm()).as("a storm changes no placement: " + log).isEqualTo(storm ? devices : -1);
        assertThat(r.victimDevices()).as(log).isEqualTo(r.devicesPerBroker().get("b2"));
        assertThat(r.moved()).as("the dead broker's devices all moved: " + log).isEqualTo(r.victimDevices());
        assertThat(r.kept()).as("the others all stayed: " + log).isEqualTo(devices - r.victimDevices());
        assertThat(r.misplacedAfter()).as(log).isZero();
        assertThat(log).contains("placement: " + devices + "/" + devices + " devices placed, " + devices
                + " on their hash-chosen broker");
        return r;
    }
}
