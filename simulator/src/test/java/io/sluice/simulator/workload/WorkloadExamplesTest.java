package io.sluice.simulator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The documented examples parse, run, and together show every kind and every field. */
class WorkloadExamplesTest {
    private static List<JsonNode> examples() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (InputStream in = Workloads.class.getResourceAsStream("/scenarios/workloads-example.yaml");
             MappingIterator<JsonNode> docs = Recorded.YAML.readerFor(JsonNode.class).readValues(in)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    out.add(doc);
                }
            }
        }
        return out;
    }

    /** The keys a kind takes, from its section record, and its kind key. */
    private static List<String> fieldsOf(String kind) {
        List<String> keys = new ArrayList<>(List.of("kind"));
        keys.addAll(io.sluice.config.internal.Keys.of(io.sluice.config.internal.KindsOf.subtypes(
                io.sluice.config.scenario.WorkloadSection.class).get(kind)));
        return keys;
    }

    /** Collects, per kind, the keys used by every source (nested ones too) of an example. */
    private static void collect(JsonNode source, Map<String, Set<String>> keysByKind) {
        String kind = source.get("kind").asText();
        Set<String> keys = keysByKind.computeIfAbsent(kind, k -> new HashSet<>());
        for (Iterator<String> it = source.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            keys.add(key);
            JsonNode v = source.get(key);
            if (key.equals("source")) {
                collect(v, keysByKind);
            } else if (key.equals("sources")) {
                v.forEach(s -> collect(s, keysByKind));
            } else if (v.isObject()) {
                v.fieldNames().forEachRemaining(sub -> keys.add(key + "." + sub));
            }
        }
    }

    /** Each example document as text, as a user would copy it. */
    private static List<String> exampleTexts() throws IOException {
        String all;
        try (InputStream in = Workloads.class.getResourceAsStream("/scenarios/workloads-example.yaml")) {
            all = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        List<String> out = new ArrayList<>();
        for (String doc : all.split("(?m)^---$")) {
            if (doc.matches("(?s).*(?m)^workload:.*")) {
                out.add(doc);
            }
        }
        return out;
    }

    @Test
    void everyExampleParsesAndRunsWithOnlyAWorkloadSection() throws IOException {
        List<JsonNode> docs = examples();
        assertThat(docs).hasSizeGreaterThanOrEqualTo(8);
        for (JsonNode doc : docs) {
            assertThat(doc.size()).as("only the workload key: " + doc).isEqualTo(1);
        }
        Path folder = Path.of("src/main/resources/scenarios");
        List<String> texts = exampleTexts();
        assertThat(texts).hasSameSizeAs(docs);
        for (String text : texts) {
            WorkloadSpec spec = Workloads.parse(text, "workloads-example.yaml", folder);
            List<Recorded> first = Recorded.first(spec, 1, 200);
            assertThat(first).as(spec.describe()).isNotEmpty();
            assertThat(Recorded.first(spec, 1, 200)).isEqualTo(first);
        }
    }

    @Test
    void examplesShowEveryKindAndEveryField() throws IOException {
        Map<String, Set<String>> keysByKind = new HashMap<>();
        for (JsonNode doc : examples()) {
            collect(doc.get("workload"), keysByKind);
        }
        assertThat(keysByKind.keySet()).containsExactlyInAnyOrderElementsOf(Workloads.kinds());
        Set<String> everywhere = new HashSet<>();
        keysByKind.values().forEach(everywhere::addAll);
        for (String kind : Workloads.kinds()) {
            for (String field : fieldsOf(kind)) {
                boolean common = field.equals("weight") || List.of("device-prefix", "type", "size", "service-demand")
                        .contains(field);
                assertThat(common ? everywhere : keysByKind.get(kind)).as(kind + " example shows " + field)
                        .contains(field);
            }
        }
        assertThat(keysByKind.get("mmpp")).contains("on.rate", "on.mean-sojourn", "off.rate", "off.mean-sojourn");
        assertThat(keysByKind.get("trace")).contains("amplify.copies", "amplify.max-shift", "fields.time",
                "fields.device", "fields.type", "fields.size", "fields.service-demand");
    }
}
