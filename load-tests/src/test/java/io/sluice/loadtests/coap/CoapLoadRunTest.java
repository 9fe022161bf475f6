package io.sluice.loadtests.coap;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The CoAP load generator end to end at a size CI affords: 60 devices, each its own UDP port,
 * through a Sluice coap listener (in-process) to three CoAP servers started by the run; and the
 * message codec on its own.
 */
class CoapLoadRunTest {

    @Test
    void everyRequestIsAnsweredAndEachDeviceKeepsItsServer() throws Exception {
        int devices = 60;
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        CoapFleet.Result r;
        try (PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            // A generous ACK timeout: on a loaded test machine a first answer may take a second, and
            // a retransmission is not what this test is about (it is counted, not asserted).
            r = CoapLoadRun.run(new CoapLoadRun.Options(devices, null, 3, 11L, 1, 5.0, 32, Duration.ofSeconds(2),
                    Duration.ofSeconds(2), 4), out);
        }
        String log = text.toString(StandardCharsets.UTF_8);
        System.out.print(log);
        // 60 devices x 5/s x 2 s = 600 scheduled; one due exactly at the end may or may not go.
        assertThat(r.sent()).as(log).isBetween(500L, 600L + devices);
        assertThat(r.answered()).as("every request answered: " + log).isEqualTo(r.sent());
        assertThat(r.timedOut()).as(log).isZero();
        assertThat(r.latency().getTotalCount()).isEqualTo(r.answered());
        assertThat(r.devicesOnSeveralServers()).as("flow affinity: " + log).isZero();
        assertThat(r.unansweredDevices()).as(log).isZero();
        // Round robin per new flow over three healthy servers: 20 each, give or take the flows a
        // health-check transition might shift; all three must serve.
        assertThat(r.devicesPerServer()).as(log).containsOnlyKeys("s1", "s2", "s3");
        assertThat(r.devicesPerServer().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(devices);
        assertThat(log).contains("0 devices answered by more than one server");
    }

    @Test
    void theCodecRoundTripsARequestWithOptionsAndPayload() {
        byte[] token = {1, 2, 3, 4, 5, 6, 7, 8};
        byte[] payload = "hello".getBytes(StandardCharsets.UTF_8);
        ByteBuf b = new CoapMessage(CoapMessage.CON, CoapMessage.POST, 0xBEEF, token, payload)
                .encode(ByteBufAllocator.DEFAULT, "sluice", "a-path-segment-longer-than-12");
        try {
            assertThat((int) b.getUnsignedByte(0)).as("version 1, CON, token length 8").isEqualTo(0x48);
            CoapMessage m = CoapMessage.decode(b);
            assertThat(m).isNotNull();
            assertThat(m.type()).isEqualTo(CoapMessage.CON);
            assertThat(m.code()).isEqualTo(CoapMessage.POST);
            assertThat(m.messageId()).isEqualTo(0xBEEF);
            assertThat(m.token()).containsExactly(token);
            assertThat(m.payload()).containsExactly(payload);
        } finally {
            b.release();
        }
    }

    @Test
    void theDecoderRejectsMalformedMessages() {
        assertThat(CoapMessage.decode(Unpooled.wrappedBuffer(new byte[] {0x40, 1, 0}))).as("short").isNull();
        assertThat(CoapMessage.decode(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 1, 0, 1}))).as("version 2").isNull();
        assertThat(CoapMessage.decode(Unpooled.wrappedBuffer(new byte[] {0x49, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0})))
                .as("token length 9").isNull();
        assertThat(CoapMessage.decode(Unpooled.wrappedBuffer(new byte[] {0x40, 1, 0, 1, (byte) 0xFF})))
                .as("payload marker and no payload").isNull();
        assertThat(CoapMessage.decode(Unpooled.wrappedBuffer(new byte[] {0x40, 1, 0, 1, (byte) 0xB5, 'a'})))
                .as("option running past the end").isNull();
        CoapMessage empty = CoapMessage.decode(Unpooled.wrappedBuffer(new byte[] {0x40, 0, 0x12, 0x34}));
        assertThat(empty).isNotNull();
        assertThat(empty.code()).isEqualTo(CoapMessage.EMPTY);
        assertThat(empty.messageId()).isEqualTo(0x1234);
    }
}
