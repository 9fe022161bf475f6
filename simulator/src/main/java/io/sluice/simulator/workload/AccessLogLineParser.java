package io.sluice.simulator.workload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The Sluice proxy's own JSON access log as a trace ({@code format: sluice-access-log}): a user
 * captures production traffic with {@code accessLog: { path: ... }} and replays it here. Each line
 * is one request:
 * <ul>
 *   <li>arrival time: {@code start_us}, the request's start in microseconds since the Unix epoch on
 *       the proxy's monotonic clock (exact differences between lines); replay starts at the earliest;</li>
 *   <li>device (the affinity key): {@code affinity_key}, the key the proxy routed by; when the
 *       cluster had no header or source affinity, the client's IP from {@code client_address} (the
 *       key source affinity would use), so requests of one client stay one device;</li>
 *   <li>service demand: {@code upstream_ttfb_ms}, the backend's observed time to first byte, taken
 *       as the request's work in the simulator at speed 1 ({@code Arrival.serviceNanos}). It
 *       includes the network round trip to the backend and any queueing inside it, so it is an upper
 *       estimate of the service time; when the request never got a response head (no route, no
 *       backend, a failure) it is null and the scenario's service-time model draws the demand.</li>
 * </ul>
 * The proxy writes a line when a request ends, so starts are out of order by up to the longest
 * request: replay with a {@code reorder-window} at least that long (60 s unless set). Other
 * fields are skipped without building a tree.
 */
final class AccessLogLineParser extends TraceLineParser {
    static final String TIME = "start_us";
    static final String KEY = "affinity_key";
    static final String CLIENT = "client_address";
    static final String DEMAND = "upstream_ttfb_ms";

    private final JsonFactory factory = new JsonFactory();

    AccessLogLineParser(MessageTypes types) {
        super(new TraceFields(TIME, KEY, null, null, DEMAND, false, false, false), TraceTimeUnit.EPOCH_US, types);
    }

    @Override
    void parse(String line, TraceRecord into) throws BadLine {
        String time = null;
        String key = null;
        String client = null;
        String demand = null;
        try (JsonParser p = factory.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadLine(null, "not a JSON object");
            }
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!name.equals(TIME) && !name.equals(KEY) && !name.equals(CLIENT) && !name.equals(DEMAND)) {
                    p.skipChildren();
                    continue;
                }
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    throw new BadLine(name, "expected a number or a string, got an "
                            + (value == JsonToken.START_OBJECT ? "object" : "array"));
                }
                String text = value == JsonToken.VALUE_NULL ? null : p.getText();
                switch (name) {
                    case TIME -> time = text;
                    case KEY -> key = text;
                    case CLIENT -> client = text;
                    default -> demand = text;
                }
            }
            if (token != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new BadLine(null, "not valid JSON: content after the object");
            }
        } catch (IOException e) {
            String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new BadLine(null, "not valid JSON: " + clip(String.valueOf(m).replace('\n', ' ')));
        }
        String device = key != null && !key.isBlank() ? key : clientIp(client);
        if (device == null) {
            throw new BadLine(KEY, "missing, and no client_address to fall back on; is this a Sluice access log?");
        }
        fill(into, time, device, null, null, null);
        into.serviceNanos = -1;
        if (demand != null) {
            double ms;
            try {
                ms = Double.parseDouble(demand.trim());
            } catch (NumberFormatException e) {
                ms = Double.NaN;
            }
            if (!(ms >= 0) || Double.isInfinite(ms)) {
                throw new BadLine(DEMAND, "'" + clip(demand) + "' is not allowed; expected milliseconds >= 0 or null");
            }
            into.serviceNanos = Math.round(ms * 1_000_000);
        }
    }

    /** {@code 10.0.0.7:51234} to {@code 10.0.0.7}, {@code [::1]:51234} to {@code ::1}; null stays null. */
    static String clientIp(String address) {
        if (address == null || address.isBlank()) {
            return null;
        }
        String a = address.trim();
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            return end > 0 ? a.substring(1, end) : a;
        }
        int colon = a.lastIndexOf(':');
        return colon > 0 && a.indexOf(':') == colon ? a.substring(0, colon) : a;
    }
}
