package io.sluice.simulator.workload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the {@code path:} of a trace workload.
 * <ul>
 *   <li>{@code classpath:data/traces/campusiot-helium/x.ndjson.gz}: a resource on the class path. The
 *       traces the project ships ({@code data/traces} in the repository) are there under
 *       {@code data/traces/}, inside the simulator's jar, so they are found from any working directory;
 *       examples and tests ship smaller ones the same way.</li>
 *   <li>anything else: a file path, relative to the scenario file's folder unless absolute.</li>
 * </ul>
 * Nothing outside the repository, the class path and the paths a scenario names is ever looked at.
 */
final class TraceLocator {
    static final String CLASSPATH = "classpath:";
    /** Where the shipped traces are on the class path; see {@code data/README.md}. */
    static final String SHIPPED = "data/traces/";

    /** {@code word:} at the start, two letters or more (so {@code C:\} stays a Windows path). */
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+):");

    private final Path baseDir;

    /** @param baseDir the scenario file's folder: relative paths resolve against it; null for the working directory */
    TraceLocator(Path baseDir) {
        this.baseDir = (baseDir == null ? Path.of("") : baseDir).toAbsolutePath().normalize();
    }

    /** @param yamlPath names the field in errors */
    TraceSource resolve(String text, String yamlPath) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new WorkloadException(yamlPath + ": empty; give a file path or classpath:<resource>");
        }
        if (t.startsWith(CLASSPATH)) {
            String resource = t.substring(CLASSPATH.length()).replaceFirst("^/+", "");
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader == null || loader.getResource(resource) == null) {
                loader = TraceLocator.class.getClassLoader();
            }
            if (loader.getResource(resource) == null) {
                throw new WorkloadException(yamlPath + ": '" + t + "' is not on the class path"
                        + (resource.startsWith(SHIPPED) ? "; the shipped traces are listed in data/README.md" : ""));
            }
            return TraceSource.ofResource(resource, loader);
        }
        Matcher scheme = SCHEME.matcher(t);
        if (scheme.find() && !Files.exists(baseDir.resolve(t))) {
            throw new WorkloadException(yamlPath + ": '" + t + "': unknown scheme '"
                    + scheme.group(1).toLowerCase(Locale.ROOT) + ":'; give a file path (relative to the scenario's"
                    + " folder, or absolute) or classpath:<resource>, such as classpath:" + SHIPPED
                    + "campusiot-helium/EMS_A81758FFFE04B1C1.ndjson.gz for a trace the project ships");
        }
        Path f = baseDir.resolve(t).toAbsolutePath().normalize();
        if (!Files.isRegularFile(f)) {
            throw new WorkloadException(yamlPath + ": trace file '" + t + "' not found (resolved to " + f
                    + " from the scenario's folder); use a path relative to the scenario, an absolute path"
                    + " or classpath:<resource>");
        }
        return TraceSource.ofFile(f);
    }
}
