package io.sluice.simulator.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sluice.algorithms.StrategyRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads scenarios: YAML files, text, and the built-in catalog shipped in the jar under
 * {@code scenarios/}. The format, every key with its default, is documented in
 * {@code scenarios/scenario-example.yaml}; the workload kinds in {@code scenarios/workloads-example.yaml}.
 *
 * <p>Errors are {@link ScenarioException}s that start with the scenario's source and name the YAML
 * path of the first bad field, its value and what is allowed:
 * {@code my.yaml: backends[1].servers: 0 is out of range; a whole number from 1 to 1000000}.
 */
public final class Scenarios {
    /** The built-in scenarios, in the order {@code --list} shows them. */
    static final List<String> BUILTINS = List.of("campusiot-fleet", "poisson-baseline", "backend-crash",
            "reconnect-storm", "synchronised-access");

    private static final String RESOURCE_DIR = "scenarios/";

    private Scenarios() {
    }

    /**
     * How to read a scenario.
     *
     * @param registry     where strategy names come from
     * @param skipBadLines make every trace of the workload skip and count malformed lines instead of failing
     */
    public record Options(StrategyRegistry registry, boolean skipBadLines) {
        public Options {
            Objects.requireNonNull(registry, "registry");
        }

        /** The standard registry; malformed trace lines fail the run. */
        public static Options defaults() {
            return new Options(StrategyRegistry.standard(), false);
        }

        public Options withSkipBadLines(boolean skip) {
            return new Options(registry, skip);
        }
    }

    /** The built-in scenarios with the first sentence of each description. */
    public static List<BuiltinScenario> builtins() {
        List<BuiltinScenario> out = new ArrayList<>();
        for (String name : BUILTINS) {
            String text = builtinText(name);
            out.add(new BuiltinScenario(name, firstSentence(descriptionOf(text, name))));
        }
        return out;
    }

    /** The names of the built-in scenarios. */
    public static List<String> builtinNames() {
        return BUILTINS;
    }

    /**
     * A scenario file or, when {@code fileOrName} is no file, the built-in of that name. A
     * {@code .yaml}/{@code .yml} name or one with a path separator is always a file.
     *
     * @throws ScenarioException when it is neither (listing the built-ins), or the scenario is invalid
     */
    public static Scenario load(String fileOrName, Options options) {
        String arg = fileOrName.trim();
        boolean looksLikeFile = arg.endsWith(".yaml") || arg.endsWith(".yml") || arg.contains("/")
                || arg.contains("\\");
        Path file = Path.of(arg);
        if (!looksLikeFile && BUILTINS.contains(arg) && !Files.isRegularFile(file)) {
            return builtin(arg, options);
        }
        if (!Files.isRegularFile(file)) {
            throw new ScenarioException(looksLikeFile
                    ? "scenario file '" + arg + "' not found"
                    : "no scenario file or built-in scenario named '" + arg + "'; built-ins: "
                    + String.join(", ", BUILTINS) + " (./sluice simulate --list)");
        }
        return file(file, arg, options);
    }

    /** The built-in scenario {@code name}. */
    public static Scenario builtin(String name, Options options) {
        if (!BUILTINS.contains(name)) {
            throw new ScenarioException("no built-in scenario named '" + name + "'; built-ins: "
                    + String.join(", ", BUILTINS));
        }
        return parse(builtinText(name), name, "builtin:" + name, null, options);
    }

    /**
     * A scenario file.
     *
     * @param source how the user named the file, as given (kept in the results)
     */
    public static Scenario file(Path file, String source, Options options) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ScenarioException("scenario file '" + source + "' not found", e);
        } catch (IOException e) {
            throw new ScenarioException(source + ": cannot read the scenario: " + e.getMessage(), e);
        }
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        String name = dot > 0 ? fileName.substring(0, dot) : fileName;
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, name, source, dir, options);
    }

    /**
     * A scenario from its text.
     *
     * @param name    the scenario's name (names the output folder)
     * @param source  where it came from, prefixed to every error
     * @param baseDir the folder relative trace paths resolve against; null for the working directory
     */
    public static Scenario parse(String yaml, String name, String source, Path baseDir, Options options) {
        JsonNode root = readTree(yaml, source);
        try {
            return new ScenarioParser(options.registry(), baseDir, options.skipBadLines())
                    .parse(root, name, source, yaml);
        } catch (ScenarioException e) {
            throw new ScenarioException(source + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode readTree(String yaml, String source) {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        JsonNode root;
        try {
            root = mapper.readTree(yaml);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new ScenarioException(source + ": not valid YAML"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ScenarioException(source + ": empty; a scenario needs at least duration, backends and"
                    + " workload (see scenarios/scenario-example.yaml)");
        }
        return root;
    }

    private static String builtinText(String name) {
        String resource = RESOURCE_DIR + name + ".yaml";
        try (InputStream in = Scenarios.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("built-in scenario " + resource + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String descriptionOf(String yaml, String name) {
        JsonNode d = readTree(yaml, "builtin:" + name).get("description");
        return d == null || d.isNull() ? "" : d.asText().trim();
    }

    /** Up to the first full stop followed by a space or the end; the whole text if it has none. */
    static String firstSentence(String text) {
        String t = text.replaceAll("\\s+", " ").trim();
        int i = t.indexOf(". ");
        return i < 0 ? t : t.substring(0, i + 1);
    }
}
