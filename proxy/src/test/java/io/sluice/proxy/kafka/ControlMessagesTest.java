package io.sluice.proxy.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The readers without a broker: a well-formed message binds in one pass, and every refusal keeps
 * its kind and reason (the fast path must never accept what the tree path refuses).
 */
class ControlMessagesTest {

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aWellFormedReportBindsAndUnknownFieldsAreIgnored() {
        ControlMessages.Read<ControlMessages.LoadViewReport> r = ControlMessages.loadView(json("{\"version\":1,"
                + "\"instance\":\"a\",\"cluster\":\"c\",\"backend\":\"b\",\"in-flight\":7,\"latency-ewma-ms\":1.5,"
                + "\"timestamp\":1764950000123,\"extra\":{\"x\":[1,2]}}"));
        assertNull(r.refused());
        ControlMessages.LoadViewReport m = r.message();
        assertEquals("a", m.instance());
        assertEquals(7, m.inFlight());
        assertEquals(1.5, m.latencyEwmaMs());
        assertEquals(1764950000123L, m.timestamp());
    }

    @Test
    void anotherVersionIsUnknownVersion() {
        ControlMessages.Read<ControlMessages.LoadViewReport> r = ControlMessages.loadView(json("{\"version\":2,"
                + "\"instance\":\"a\",\"cluster\":\"c\",\"backend\":\"b\",\"in-flight\":7,\"timestamp\":5}"));
        assertEquals(ControlMessages.Refused.Kind.UNKNOWN_VERSION, r.refused().kind());
        assertEquals("version 2; this build reads 1", r.refused().detail());
        // another version whose fields no longer bind to this version's record is still "another version"
        r = ControlMessages.loadView(json("{\"version\":2,\"instance\":\"a\",\"in-flight\":{\"n\":7}}"));
        assertEquals(ControlMessages.Refused.Kind.UNKNOWN_VERSION, r.refused().kind());
    }

    @Test
    void aMissingOrNonNumericVersionIsMalformed() {
        for (String version : new String[] {"", "\"version\":\"1\",", "\"version\":true,", "\"version\":null,"}) {
            ControlMessages.Read<ControlMessages.LoadViewReport> r = ControlMessages.loadView(json("{" + version
                    + "\"instance\":\"a\",\"cluster\":\"c\",\"backend\":\"b\",\"in-flight\":7,\"timestamp\":5}"));
            assertNotNull(r.refused(), version);
            assertEquals(ControlMessages.Refused.Kind.MALFORMED, r.refused().kind(), version);
            assertEquals("no version field", r.refused().detail(), version);
        }
    }

    @Test
    void malformedMessagesSayWhy() {
        assertEquals("not a JSON object", ControlMessages.loadView(json("[1,2]")).refused().detail());
        assertEquals("not a JSON object", ControlMessages.loadView(json("null")).refused().detail());
        assertEquals("empty value", ControlMessages.loadView(null).refused().detail());
        assertEquals(ControlMessages.Refused.Kind.MALFORMED, ControlMessages.loadView(json("{\"version\":1,"))
                .refused().kind());
        assertEquals("instance, cluster, backend, in-flight and timestamp are required", ControlMessages.loadView(
                json("{\"version\":1,\"instance\":\"a\",\"cluster\":\"c\",\"backend\":\"b\",\"timestamp\":5}"))
                .refused().detail());
        ControlMessages.Read<ControlMessages.LoadViewReport> wrongType = ControlMessages.loadView(json(
                "{\"version\":1,\"instance\":\"a\",\"cluster\":\"c\",\"backend\":\"b\",\"in-flight\":[7],"
                        + "\"timestamp\":5}"));
        assertEquals(ControlMessages.Refused.Kind.MALFORMED, wrongType.refused().kind());
        assertTrue(wrongType.refused().detail().contains("in-flight") || wrongType.refused().detail()
                .contains("Integer"), wrongType.refused().detail());
    }

    @Test
    void theOtherReadersTakeTheSamePath() {
        assertEquals("b7", ControlMessages.membership(json("{\"version\":1,\"cluster\":\"api\",\"backend\":\"b7\","
                + "\"action\":\"join\",\"address\":\"10.0.0.7:8080\",\"weight\":2,\"timestamp\":1}")).message()
                .backend());
        assertEquals(0.62, ControlMessages.load(json("{\"version\":1,\"cluster\":\"api\",\"backend\":\"b7\","
                + "\"utilisation\":0.62,\"timestamp\":1764950000123}")).message().utilisation());
        assertEquals(false, ControlMessages.health(json("{\"version\":1,\"cluster\":\"api\",\"backend\":\"b7\","
                + "\"healthy\":false}")).message().healthy());
        assertEquals(ControlMessages.Refused.Kind.UNKNOWN_VERSION, ControlMessages.membership(json(
                "{\"version\":99,\"cluster\":\"c\",\"backend\":\"k4\",\"action\":\"join\"}")).refused().kind());
        assertEquals("action 'explode' is not one of join, update, drain, undrain, leave", ControlMessages.membership(
                json("{\"version\":1,\"cluster\":\"c\",\"backend\":\"k\",\"action\":\"explode\"}")).refused().detail());
    }
}
