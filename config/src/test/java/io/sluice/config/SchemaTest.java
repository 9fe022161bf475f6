package io.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.sluice.config.internal.Keys;
import io.sluice.config.internal.KindsOf;
import io.sluice.config.proxy.ProxyConfigs;
import io.sluice.config.proxy.ProxyFile;
import io.sluice.config.scenario.ScenarioFile;
import io.sluice.config.scenario.WorkloadFile;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON Schemas shipped for editors: every example and built-in file names its schema on its first
 * line and passes it, the schemas are strict (an old or misspelt key fails), they ship in the jar, and
 * they agree with the section records key for key, both ways, so a key added to a record without the
 * schema (or the other way round) fails here.
 */
class SchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROXY = "sluice-proxy.schema.json";
    private static final String SCENARIO = "sluice-scenario.schema.json";
    private static final String WORKLOAD = "sluice-workload.schema.json";

    /** The repository's root: where the config module's pom is beside the others. */
    private static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("config/pom.xml"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("repository root above %s", Path.of("").toAbsolutePath()).isNotNull();
        return dir;
    }

    private static Path scenarios() {
        return root().resolve("simulator/src/main/resources/scenarios");
    }

    /** Every file a schema covers, with the schema it must name. */
    static Stream<Object[]> files() throws IOException {
        List<Object[]> out = new ArrayList<>();
        out.add(new Object[] {"proxy/sluice-proxy.example.yaml", PROXY});
        try (Stream<Path> list = Files.list(scenarios())) {
            for (Path p : list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                String name = p.getFileName().toString();
                String schema = name.endsWith(".proxy.yaml") ? PROXY
                        : name.equals("workloads-example.yaml") ? WORKLOAD : SCENARIO;
                out.add(new Object[] {root().relativize(p).toString(), schema});
            }
        }
        return out.stream();
    }

    private static Schema schema(String name) throws IOException {
        try (InputStream in = SchemaTest.class.getResourceAsStream("/schema/" + name)) {
            assertThat(in).as("schema %s on the classpath (and so in the jar)", name).isNotNull();
            SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
            return registry.getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8), InputFormat.JSON);
        }
    }

    private static JsonNode schemaTree(String name) throws IOException {
        try (InputStream in = SchemaTest.class.getResourceAsStream("/schema/" + name)) {
            return JSON.readTree(in);
        }
    }

    /** The YAML documents of a file that hold something (a leading comment-only document is skipped). */
    private static List<String> documents(String text) {
        List<String> docs = new ArrayList<>();
        for (String doc : text.split("(?m)^---\\s*$")) {
            if (doc.lines().anyMatch(l -> !l.isBlank() && !l.stripLeading().startsWith("#"))) {
                docs.add(doc);
            }
        }
        return docs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void everyExampleAndBuiltInNamesItsSchemaAndPassesIt(String file, String schemaName) throws IOException {
        Path path = root().resolve(file);
        String text = Files.readString(path);
        String first = text.lines().findFirst().orElse("");
        assertThat(first).startsWith("# yaml-language-server: $schema=").endsWith("/" + schemaName);
        Path named = path.getParent().resolve(first.substring(first.indexOf('=') + 1)).normalize();
        assertThat(named).as("the schema the first line names").isEqualTo(
                root().resolve("config/src/main/resources/schema/" + schemaName));

        Schema schema = schema(schemaName);
        List<String> docs = documents(text);
        assertThat(docs).isNotEmpty();
        for (String doc : docs) {
            List<Error> errors = schema.validate(doc, InputFormat.YAML);
            assertThat(errors).as("%s against %s:%n%s", file, schemaName, doc).isEmpty();
        }
    }

    /** The config the release archive ships: no schema line (the archive has no schema beside it), but it passes. */
    @Test
    void theDeploymentConfigPassesTheProxySchemaAndLoads() throws IOException {
        Path conf = root().resolve("dist/src/conf/sluice.yaml");
        assertThat(schema(PROXY).validate(Files.readString(conf), InputFormat.YAML)).isEmpty();
        ProxyConfigs.load(conf);
    }

    @Test
    void theProxyExampleAndBuiltInProxyConfigsLoad() throws IOException {
        ProxyConfigs.load(root().resolve("proxy/sluice-proxy.example.yaml"));
        try (Stream<Path> list = Files.list(scenarios())) {
            for (Path p : list.filter(f -> f.getFileName().toString().endsWith(".proxy.yaml")).toList()) {
                ProxyConfigs.load(p);
            }
        }
    }

    @Test
    void theSchemasAreStrict() throws IOException {
        String proxy = """
                listeners:
                  - { name: web, bind: 127.0.0.1:8080, maxConnections: 10,
                      routes: [ { cluster: c } ] }
                clusters:
                  - name: c
                    backends: [ { id: a, address: 127.0.0.1:9001 } ]
                    retries: { attempts: 2, max-retries: 99 }
                """;
        List<String> errors = schema(PROXY).validate(proxy, InputFormat.YAML).stream()
                .map(Error::toString).toList();
        assertThat(String.join("\n", errors)).contains("maxConnections", "attempts", "max-retries",
                "strategy");

        String scenario = """
                duration: 10s
                backends: [ { name: a, service-time: { distribution: normal, mean: 1ms } } ]
                workload: { kind: poisson, rate: 10, devcies: 3 }
                """;
        errors = schema(SCENARIO).validate(scenario, InputFormat.YAML).stream().map(Error::toString).toList();
        assertThat(String.join("\n", errors)).contains("devcies");
        assertThat(errors).isNotEmpty();
    }

    // ---- the schemas and the section records agree ---------------------------------------------

    @Test
    void theProxySchemaAndTheProxyModelAgree() throws IOException {
        assertAgree(ProxyFile.class, schemaTree(PROXY));
    }

    @Test
    void theScenarioSchemaAndTheScenarioModelAgree() throws IOException {
        assertAgree(ScenarioFile.class, schemaTree(SCENARIO));
    }

    @Test
    void theWorkloadSchemaAndTheWorkloadModelAgree() throws IOException {
        assertAgree(WorkloadFile.class, schemaTree(WORKLOAD));
    }

    @Test
    void theCheckFindsADisagreement() throws IOException {
        ObjectNode proxy = (ObjectNode) schemaTree(PROXY);
        ((ObjectNode) proxy.get("properties")).remove("drain-timeout");
        ((ObjectNode) proxy.get("properties")).putObject("spare-key");
        List<String> problems = new ArrayList<>();
        new Agreement(proxy, problems).agree(ProxyFile.class, proxy, "", Set.of());
        assertThat(problems).containsExactlyInAnyOrder(
                "(top): the model has drain-timeout, the schema does not",
                "(top): the schema has spare-key, the model does not");
    }

    private static void assertAgree(Class<?> file, JsonNode schema) {
        List<String> problems = new ArrayList<>();
        new Agreement(schema, problems).agree(file, schema, "", Set.of());
        assertThat(problems).isEmpty();
    }

    /** Value types written as one scalar ({@code 127.0.0.1:8080}, {@code 8KiB}, {@code 300/min}). */
    private static final Set<Class<?>> SCALARS = Set.of(HostPort.class, ByteSize.class, Rate.class);

    /** Keys a record binds only to refuse them with a better message than "unknown key", by path. */
    private static final Map<String, Set<String>> NOT_IN_SCHEMA = Map.of(
            "clusters[].strategy", Set.of("label")); // "only a scenario's strategies take a label"

    /** Walks a section record beside its schema, comparing the keys of each object both ways. */
    private record Agreement(JsonNode root, List<String> problems, Set<Class<?>> seen) {
        Agreement(JsonNode root, List<String> problems) {
            this(root, problems, new java.util.HashSet<>());
        }

        void agree(Type type, JsonNode schema, String path, Set<String> extra) {
            Class<?> raw = raw(type);
            List<JsonNode> alternatives = alternatives(schema);
            if (List.class.isAssignableFrom(raw)) {
                JsonNode items = first(alternatives, "items");
                if (items == null) {
                    problems.add(at(path) + ": a list in the model, no array in the schema");
                } else {
                    agree(argument(type, 0), items, path + "[]", Set.of());
                }
                return;
            }
            if (Map.class.isAssignableFrom(raw)) {
                JsonNode values = first(alternatives, "additionalProperties");
                if (values != null && values.isObject() && !values.isEmpty()) {
                    agree(argument(type, 1), values, path + ".*", Set.of());
                }
                return;
            }
            if (raw.isInterface() && raw.isAnnotationPresent(Kinds.class)) {
                String property = raw.getAnnotation(Kinds.class).property();
                for (Map.Entry<String, Class<?>> kind : KindsOf.subtypes(raw).entrySet()) {
                    JsonNode chosen = chosenBy(alternatives, property, kind.getKey());
                    if (chosen == null) {
                        problems.add(at(path) + ": the schema has no " + property + ": " + kind.getKey());
                    } else {
                        agree(kind.getValue(), chosen, path + "(" + kind.getKey() + ")", Set.of(property));
                    }
                }
                return;
            }
            if (!raw.isRecord() || SCALARS.contains(raw) || !seen.add(raw)) {
                return; // a scalar, or a record already compared (a mixture's sources are workloads)
            }
            Set<String> schemaKeys = new TreeSet<>();
            for (JsonNode alternative : alternatives) {
                alternative.path("properties").fieldNames().forEachRemaining(schemaKeys::add);
            }
            Set<String> modelKeys = new LinkedHashSet<>(Keys.of(raw));
            modelKeys.addAll(extra);
            modelKeys.removeAll(NOT_IN_SCHEMA.getOrDefault(path, Set.of()));
            for (String key : modelKeys) {
                if (!schemaKeys.contains(key)) {
                    problems.add(at(path) + ": the model has " + key + ", the schema does not");
                }
            }
            for (String key : schemaKeys) {
                if (!modelKeys.contains(key)) {
                    problems.add(at(path) + ": the schema has " + key + ", the model does not");
                }
            }
            for (RecordComponent c : raw.getRecordComponents()) {
                String key = Keys.keyOf(c);
                for (JsonNode alternative : alternatives) {
                    JsonNode property = alternative.path("properties").get(key);
                    if (property != null) {
                        agree(c.getGenericType(), property, path.isEmpty() ? key : path + "." + key, Set.of());
                        break;
                    }
                }
            }
        }

        /** The schema itself and every schema it combines (oneOf, anyOf, allOf, then), references followed. */
        private List<JsonNode> alternatives(JsonNode schema) {
            List<JsonNode> out = new ArrayList<>();
            collect(schema, out);
            return out;
        }

        private void collect(JsonNode schema, List<JsonNode> out) {
            JsonNode s = resolve(schema);
            out.add(s);
            for (String combiner : List.of("oneOf", "anyOf", "allOf")) {
                for (JsonNode part : s.path(combiner)) {
                    collect(part, out);
                }
            }
            if (s.has("then")) {
                collect(s.get("then"), out);
            }
        }

        private JsonNode resolve(JsonNode schema) {
            JsonNode s = schema;
            while (s.has("$ref")) {
                String ref = s.get("$ref").asText();
                assertThat(ref).as("local references only").startsWith("#/");
                s = root.at(ref.substring(1));
                assertThat(s.isMissingNode()).as("reference %s resolves", ref).isFalse();
            }
            return s;
        }

        private static JsonNode first(List<JsonNode> alternatives, String keyword) {
            for (JsonNode a : alternatives) {
                if (a.has(keyword)) {
                    return a.get(keyword);
                }
            }
            return null;
        }

        /** The object schema whose {@code property} is {@code id}: by {@code const}, else the narrowest {@code enum}. */
        private static JsonNode chosenBy(List<JsonNode> alternatives, String property, String id) {
            for (JsonNode a : alternatives) {
                JsonNode p = a.path("properties").path(property);
                if (id.equals(p.path("const").asText(null))) {
                    return a;
                }
            }
            JsonNode narrowest = null; // the kind's own schema, not the one listing every kind
            for (JsonNode a : alternatives) {
                JsonNode ids = a.path("properties").path(property).path("enum");
                for (Iterator<JsonNode> it = ids.elements(); it.hasNext(); ) {
                    if (id.equals(it.next().asText())
                            && (narrowest == null || ids.size() < narrowest.path("properties").path(property)
                            .path("enum").size())) {
                        narrowest = a;
                    }
                }
            }
            return narrowest;
        }

        private static String at(String path) {
            return path.isEmpty() ? "(top)" : path;
        }

        private static Class<?> raw(Type t) {
            if (t instanceof Class<?> c) {
                return c;
            }
            return t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : Object.class;
        }

        private static Type argument(Type t, int i) {
            return t instanceof ParameterizedType p ? p.getActualTypeArguments()[i] : Object.class;
        }
    }
}
