package io.sluice.simulator.workload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * JSON Lines (NDJSON) traces: one object a line; the wanted fields are top-level keys holding a
 * number or a string. Reads with Jackson's streaming parser and skips everything else without
 * building a tree, so a CampusIoT frame's nested {@code hotspots} and {@code decoded} cost only a scan.
 */
final class JsonLineParser extends TraceLineParser {
    private final JsonFactory factory = new JsonFactory();

    JsonLineParser(TraceFields fields, TraceTimeUnit unit, MessageTypes types) {
        super(fields, unit, types);
    }

    @Override
    void parse(String line, TraceRecord into) throws BadLine {
        String time = null;
        String device = null;
        String type = null;
        String size = null;
        String demand = null;
        try (JsonParser p = factory.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadLine(null, "not a JSON object");
            }
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                boolean wanted = name.equals(fields.time()) || name.equals(fields.device())
                        || name.equals(fields.type()) || name.equals(fields.size())
                        || name.equals(fields.serviceDemand());
                if (!wanted) {
                    p.skipChildren();
                    continue;
                }
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    throw new BadLine(name, "expected a number or a string, got an "
                            + (value == JsonToken.START_OBJECT ? "object" : "array"));
                }
                String text = value == JsonToken.VALUE_NULL ? null : p.getText();
                if (name.equals(fields.time())) {
                    time = text;
                }
                if (name.equals(fields.device())) {
                    device = text;
                }
                if (name.equals(fields.type())) {
                    type = text;
                }
                if (name.equals(fields.size())) {
                    size = text;
                }
                if (name.equals(fields.serviceDemand())) {
                    demand = text;
                }
            }
            if (token != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new BadLine(null, "not valid JSON: content after the object");
            }
        } catch (IOException e) {
            String m = e instanceof JsonProcessingException j ? j.getOriginalMessage()
                    : e.getMessage();
            throw new BadLine(null, "not valid JSON: " + clip(String.valueOf(m).replace('\n', ' ')));
        }
        fill(into, time, device, type, size, demand);
    }
}
