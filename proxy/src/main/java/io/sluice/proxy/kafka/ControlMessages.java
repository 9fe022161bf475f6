package io.sluice.proxy.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.function.ToIntFunction;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The JSON messages of the control plane (docs/kafka.md), each with a {@code version} field. A
 * reader accepts {@link #VERSION} only: a message of another version is refused as
 * {@link Refused.Kind#UNKNOWN_VERSION}, one that does not parse or lacks a required field as
 * {@link Refused.Kind#MALFORMED}. Field names are kebab-case on the wire.
 *
 * <p>Thread safety: the mapper is thread-safe; the records are immutable.
 */
public final class ControlMessages {
    /** The one schema version this build reads and writes. */
    public static final int VERSION = 1;

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * The fast path's mapper: as {@link #JSON}, but a string or a boolean is never taken for an
     * integer, so {@code "version": "1"} fails here and the tree path refuses it as before.
     */
    private static final ObjectMapper STRICT = JSON.copy();

    static {
        STRICT.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }

    private ControlMessages() {
    }

    /**
     * A Node Manager's word on one backend: {@code join} (or update) it with an address, weight, zone
     * and capacity; {@code drain} it (no new requests, kept as a member); {@code leave}.
     * Key on the (compacted) membership topic: {@code cluster/backend}.
     */
    public record Membership(int version, String cluster, String backend, String action, String address,
                             Integer weight, String zone, Double capacity, long timestamp) {
    }

    /**
     * One backend's load as its server sees it: {@code utilisation} in [0, 1], queue length, request
     * rate, and when it was measured (epoch milliseconds). Key: {@code cluster/backend}.
     */
    public record LoadReport(int version, String cluster, String backend, double utilisation, Integer queueLength,
                             Double requestRate, long timestamp, String source) {
    }

    /**
     * One proxy instance's own load on one backend, for the load view the instances share: its
     * requests in flight (its own, never what it heard from peers) and its latency EWMA, as of
     * {@code timestamp} (epoch milliseconds). Key on the (compacted) load-view topic:
     * {@code instance/cluster/backend}.
     */
    public record LoadViewReport(int version, String instance, String cluster, String backend, Integer inFlight,
                                 Double latencyEwmaMs, long timestamp) {
    }

    /**
     * One proxy instance's usage of one {@code scope: global} rate limit over its last interval: per
     * active key, the requests per second it was offered (admitted or refused) and admitted, as of
     * {@code timestamp} (epoch milliseconds). The peers set their shares from the offered rates. Key
     * on the (compacted) rate-usage topic: {@code instance/limit}.
     */
    public record RateUsageReport(int version, String instance, String limit, long timestamp,
                                  java.util.List<KeyUsage> keys) {
    }

    /** One key's rates in a {@link RateUsageReport}. */
    public record KeyUsage(String key, double offered, double admitted) {
    }

    /** The Node Manager's health verdict on one backend. Key: {@code cluster/backend}. */
    public record HealthVerdict(int version, String cluster, String backend, boolean healthy, String reason,
                                long timestamp) {
    }

    /** Why a message was skipped. */
    public record Refused(Kind kind, String detail) {
        public enum Kind { MALFORMED, UNKNOWN_VERSION }
    }

    /** A message read, or why not. Exactly one of the two is non-null. */
    public record Read<T>(T message, Refused refused) {
    }

    public static Read<Membership> membership(byte[] value) {
        Read<Membership> r = read(value, Membership.class, Membership::version);
        if (r.message() != null) {
            Membership m = r.message();
            if (m.cluster() == null || m.backend() == null || m.action() == null) {
                return refused("cluster, backend and action are required");
            }
            switch (m.action()) {
                case "join", "update" -> {
                    if (m.address() == null) {
                        return refused("action '" + m.action() + "' needs an address host:port");
                    }
                    if (m.weight() != null && (m.weight() < 1 || m.weight() > 1_000_000)) {
                        return refused("weight " + m.weight() + " is out of range 1 to 1000000");
                    }
                }
                case "leave", "drain", "undrain" -> { }
                default -> {
                    return refused("action '" + m.action() + "' is not one of join, update, drain, undrain, leave");
                }
            }
        }
        return r;
    }

    public static Read<LoadReport> load(byte[] value) {
        Read<LoadReport> r = read(value, LoadReport.class, LoadReport::version);
        if (r.message() != null) {
            LoadReport m = r.message();
            if (m.cluster() == null || m.backend() == null || Double.isNaN(m.utilisation()) || m.timestamp() <= 0) {
                return refused("cluster, backend, utilisation and timestamp are required");
            }
        }
        return r;
    }

    public static Read<LoadViewReport> loadView(byte[] value) {
        Read<LoadViewReport> r = read(value, LoadViewReport.class, LoadViewReport::version);
        if (r.message() != null) {
            LoadViewReport m = r.message();
            if (m.instance() == null || m.cluster() == null || m.backend() == null || m.inFlight() == null
                    || m.timestamp() <= 0) {
                return refused("instance, cluster, backend, in-flight and timestamp are required");
            }
            if (m.inFlight() < 0) {
                return refused("in-flight " + m.inFlight() + " is negative; allowed: 0 or more");
            }
        }
        return r;
    }

    public static Read<RateUsageReport> rateUsage(byte[] value) {
        Read<RateUsageReport> r = read(value, RateUsageReport.class, RateUsageReport::version);
        if (r.message() != null) {
            RateUsageReport m = r.message();
            if (m.instance() == null || m.limit() == null || m.keys() == null || m.timestamp() <= 0) {
                return refused("instance, limit, keys and timestamp are required");
            }
            for (KeyUsage k : m.keys()) {
                if (k == null || k.key() == null) {
                    return refused("every entry of keys needs a key");
                }
                if (!(k.offered() >= 0 && k.admitted() >= 0) || Double.isInfinite(k.offered())
                        || Double.isInfinite(k.admitted())) {
                    return refused("key '" + k.key() + "': offered " + k.offered() + ", admitted " + k.admitted()
                            + "; allowed: finite rates, 0 or more");
                }
            }
        }
        return r;
    }

    public static Read<HealthVerdict> health(byte[] value) {
        Read<HealthVerdict> r = read(value, HealthVerdict.class, HealthVerdict::version);
        if (r.message() != null && (r.message().cluster() == null || r.message().backend() == null)) {
            return refused("cluster and backend are required");
        }
        return r;
    }

    /** The JSON of {@code message}, as written to a topic. */
    public static byte[] write(Object message) {
        try {
            return JSON.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + message, e);
        }
    }

    /**
     * Reads one message. The common case, a well-formed message of this version, is bound straight
     * to its record in one pass (the consumer reads thousands of load-view reports a second; a tree
     * parse and then a bind of the tree cost about twice as much). Anything else, a message that does
     * not bind or carries another version, goes through the tree, which says why it is refused: no
     * version, another version, or what is malformed, exactly as before.
     */
    private static <T> Read<T> read(byte[] value, Class<T> type, ToIntFunction<T> version) {
        if (value == null) {
            return new Read<>(null, new Refused(Refused.Kind.MALFORMED, "empty value"));
        }
        try {
            T m = STRICT.readValue(value, type);
            if (m != null && version.applyAsInt(m) == VERSION) {
                return new Read<>(m, null);
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            // refused below, with the tree's reason
        }
        return readTree(value, type);
    }

    private static <T> Read<T> readTree(byte[] value, Class<T> type) {
        try {
            JsonNode tree = JSON.readTree(value);
            if (tree == null || !tree.isObject()) {
                return refused("not a JSON object");
            }
            JsonNode v = tree.get("version");
            if (v == null || !v.canConvertToInt()) {
                return refused("no version field");
            }
            if (v.asInt() != VERSION) {
                return new Read<>(null, new Refused(Refused.Kind.UNKNOWN_VERSION, "version " + v.asText()
                        + "; this build reads " + VERSION));
            }
            return new Read<>(JSON.treeToValue(tree, type), null);
        } catch (java.io.IOException | IllegalArgumentException e) {
            return refused(e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static <T> Read<T> refused(String detail) {
        return new Read<>(null, new Refused(Refused.Kind.MALFORMED, detail));
    }
}
