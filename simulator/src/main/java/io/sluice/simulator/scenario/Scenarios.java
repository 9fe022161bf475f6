package io.sluice.simulator.scenario;

import io.sluice.algorithms.StrategyRegistry;
import io.sluice.config.ConfigError;
import io.sluice.config.ConfigException;
import io.sluice.config.ConfigReader;
import io.sluice.config.Problems;
import io.sluice.config.proxy.ProxyConfigs;
import io.sluice.config.scenario.ScenarioFile;
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
 * <p>Errors are {@link ConfigException}s with every problem of the file, each a line with the
 * scenario's source and line, the YAML path, the value and what is allowed:
 * {@code my.yaml:14: backends[1].servers: 0 is out of range; a whole number from 1 to 1000000}.
 * A scenario that cannot be found is a {@link ScenarioException}.
 */
public final class Scenarios {
    /** The built-in scenarios, in the order {@code --list} shows them. */
    static final List<String> BUILTINS = List.of("campusiot-fleet", "poisson-baseline", "backend-crash",
            "reconnect-storm", "synchronised-access", "runaway-firmware", "shared-load-view");

    private static final String RESOURCE_DIR = "scenarios/";

    private Scenarios() {
    }

    /**
     * How to read a scenario.
     *
     * @param registry     where strategy names come from
     * @param skipBadLines make every trace of the workload skip and count malformed lines instead of failing
     * @param proxyConfig  a proxy config whose cluster is the load-balancer tier (instead of the
     *                     scenario's {@code proxy-config}, if any), or null
     * @param proxyCluster the cluster of the proxy config to simulate, or null for its only one
     * @param proposed     a proposed proxy config to run beside the current one, or null
     */
    public record Options(StrategyRegistry registry, boolean skipBadLines, Path proxyConfig, String proxyCluster,
                          Path proposed) {
        public Options {
            Objects.requireNonNull(registry, "registry");
        }

        /** The standard registry; malformed trace lines fail the run; the scenario's own tier. */
        public static Options defaults() {
            return new Options(StrategyRegistry.standard(), false, null, null, null);
        }

        public Options withSkipBadLines(boolean skip) {
            return new Options(registry, skip, proxyConfig, proxyCluster, proposed);
        }

        /** Simulate the cluster {@code cluster} (null: the only one) of the proxy config at {@code file}. */
        public Options withProxyConfig(Path file, String cluster) {
            return new Options(registry, skipBadLines, file, cluster, proposed);
        }

        /** Run the proposed proxy config at {@code file} beside the current one, on the same traffic. */
        public Options withProposed(Path file) {
            return new Options(registry, skipBadLines, proxyConfig, proxyCluster, file);
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
     * @throws ScenarioException when it is neither (listing the built-ins)
     * @throws ConfigException   when the scenario is invalid
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
     * @param baseDir the folder relative trace and proxy-config paths resolve against; null for the
     *                working directory (built-ins: their proxy configs are beside them in the jar)
     * @throws ConfigException with every problem of the file, each at its line and path
     */
    public static Scenario parse(String yaml, String name, String source, Path baseDir, Options options) {
        ConfigReader.Bound<ScenarioFile> bound = ConfigReader.read(yaml, source, ScenarioFile.class);
        Problems problems = bound.problems();
        if (bound.value() == null) {
            if (!problems.hasErrors()) {
                problems.error("", "empty; a scenario needs at least duration, backends and workload (see"
                        + " scenarios/scenario-example.yaml)");
            }
            problems.throwIfAny();
        }
        boolean builtin = source.startsWith("builtin:");
        ScenarioReader.ProxySources proxies = new ScenarioReader.ProxySources(
                reference -> builtin ? resource(reference, options.registry())
                        : file(baseDir == null ? Path.of(reference) : baseDir.resolve(reference), reference,
                        options.registry()),
                options.proxyConfig() == null ? null
                        : file(options.proxyConfig(), options.proxyConfig().toString(), options.registry()),
                options.proxyCluster(),
                options.proposed() == null ? null
                        : file(options.proposed(), options.proposed().toString(), options.registry()));
        Scenario scenario = new ScenarioReader(problems, options.registry(), baseDir, options.skipBadLines(), proxies)
                .read(bound.value(), name, source, yaml);
        problems.throwIfAny();
        return scenario;
    }

    private static ScenarioReader.ProxyConfigSource file(Path file, String name, StrategyRegistry registry) {
        return new ScenarioReader.ProxyConfigSource(name, () -> ProxyConfigs.load(file, registry));
    }

    /** A proxy config shipped beside the built-in scenarios, {@code scenarios/<name>} in the jar. */
    private static ScenarioReader.ProxyConfigSource resource(String name, StrategyRegistry registry) {
        String resource = RESOURCE_DIR + name;
        return new ScenarioReader.ProxyConfigSource("builtin:" + name, () -> {
            try (InputStream in = Scenarios.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new ConfigException(List.of(new ConfigError("builtin:" + name, 1, "",
                            "no built-in proxy config named '" + name + "'")));
                }
                return ProxyConfigs.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "builtin:" + name,
                        registry);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
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
        ScenarioFile f = ConfigReader.read(yaml, "builtin:" + name, ScenarioFile.class).value();
        return f == null || f.description() == null ? "" : f.description().trim();
    }

    /** Up to the first full stop followed by a space or the end; the whole text if it has none. */
    static String firstSentence(String text) {
        String t = text.replaceAll("\\s+", " ").trim();
        int i = t.indexOf(". ");
        return i < 0 ? t : t.substring(0, i + 1);
    }
}
