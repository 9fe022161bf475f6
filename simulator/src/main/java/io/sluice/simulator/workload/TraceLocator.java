package io.sluice.simulator.workload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Resolves the {@code path:} of a trace workload.
 * <ul>
 *   <li>{@code classpath:traces/x.csv}: a resource on the class path (examples and tests ship these).</li>
 *   <li>{@code shared:campusiot-helium/x.ndjson.gz}: a file under the project's shared traces folder,
 *       which lives beside the repository ({@code <repo>/../shared/traces}) and is not in it. It is the
 *       first that exists of: {@code $SLUICE_TRACES} (an explicit override); {@code shared/traces} and
 *       {@code ../shared/traces} from the working directory; {@code $SLUICE_HOME/../shared/traces}
 *       ({@code SLUICE_HOME} is the repository root, set by the {@code sluice} launcher); then
 *       {@code shared/traces} under each further ancestor of the working directory, which finds it
 *       from a module folder or a git worktree too.</li>
 *   <li>anything else: a file path, relative to the scenario file's folder unless absolute.</li>
 * </ul>
 * The environment and working directory are injected so tests can pin them.
 */
final class TraceLocator {
    static final String SHARED = "shared:";
    static final String CLASSPATH = "classpath:";

    private final Path baseDir;
    private final Path workingDir;
    private final Function<String, String> env;

    TraceLocator(Path baseDir, Path workingDir, Function<String, String> env) {
        this.baseDir = baseDir == null ? workingDir : baseDir;
        this.workingDir = workingDir.toAbsolutePath().normalize();
        this.env = env;
    }

    static TraceLocator system(Path baseDir) {
        return new TraceLocator(baseDir, Path.of("").toAbsolutePath(), System::getenv);
    }

    /** The shared traces folders to try, in order. */
    List<Path> sharedCandidates() {
        Set<Path> out = new LinkedHashSet<>();
        String override = env.apply("SLUICE_TRACES");
        if (override != null && !override.isBlank()) {
            out.add(Path.of(override).toAbsolutePath().normalize());
        }
        out.add(workingDir.resolve("shared/traces"));
        if (workingDir.getParent() != null) {
            out.add(workingDir.getParent().resolve("shared/traces"));
        }
        String home = env.apply("SLUICE_HOME");
        if (home != null && !home.isBlank()) {
            Path h = Path.of(home).toAbsolutePath().normalize();
            out.add((h.getParent() == null ? h : h.getParent()).resolve("shared/traces"));
        }
        for (Path p = workingDir.getParent(); p != null; p = p.getParent()) {
            out.add(p.resolve("shared/traces"));
        }
        return new ArrayList<>(out);
    }

    /** @param yamlPath names the field in errors */
    TraceSource resolve(String text, String yamlPath) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new WorkloadException(yamlPath + ": empty; give a file path, shared:<file> or classpath:<resource>");
        }
        if (t.startsWith(CLASSPATH)) {
            String resource = t.substring(CLASSPATH.length()).replaceFirst("^/+", "");
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader == null || loader.getResource(resource) == null) {
                loader = TraceLocator.class.getClassLoader();
            }
            if (loader.getResource(resource) == null) {
                throw new WorkloadException(yamlPath + ": '" + t + "' is not on the class path");
            }
            return TraceSource.ofResource(resource, loader);
        }
        if (t.startsWith(SHARED)) {
            String rel = t.substring(SHARED.length()).replaceFirst("^/+", "");
            List<Path> tried = sharedCandidates();
            for (Path dir : tried) {
                Path f = dir.resolve(rel);
                if (Files.isRegularFile(f)) {
                    return TraceSource.ofFile(f);
                }
            }
            throw new WorkloadException(yamlPath + ": '" + t + "' not found; looked in " + tried
                    + "; set SLUICE_TRACES to the shared traces folder");
        }
        Path f = baseDir.resolve(t).toAbsolutePath().normalize();
        if (!Files.isRegularFile(f)) {
            throw new WorkloadException(yamlPath + ": trace file '" + t + "' not found (resolved to " + f
                    + " from the scenario's folder); use a path relative to the scenario, an absolute path,"
                    + " shared:<file> or classpath:<resource>");
        }
        return TraceSource.ofFile(f);
    }
}
