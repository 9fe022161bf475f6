package io.sluice.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The benchmarks module's runnable jar ({@code benchmarks/target/benchmarks.jar}, JMH's main class):
 * built from the source tree at {@code SLUICE_HOME} when missing or older than any source it is
 * made of, and run as a child JVM. Every {@code sluice bench} subcommand goes through this.
 */
final class BenchmarksJar {
    /** The modules the jar is built from: the routing library and the benchmarks themselves. */
    private static final List<String> MODULES = List.of("algorithms", "benchmarks");

    private final Path home;
    private final Path jar;

    private BenchmarksJar(Path home) {
        this.home = home;
        this.jar = home.resolve("benchmarks/target/benchmarks.jar");
    }

    /**
     * The jar of the source tree the {@code ./sluice} launcher exported as {@code SLUICE_HOME}.
     *
     * @throws CliException when {@code SLUICE_HOME} is unset or is not a Sluice source tree
     */
    static BenchmarksJar fromLauncher() {
        String value = System.getenv("SLUICE_HOME");
        if (value == null || value.isBlank()) {
            throw new CliException("SLUICE_HOME is not set; run benchmarks through the ./sluice launcher at the"
                    + " root of the source tree");
        }
        Path home = Path.of(value).toAbsolutePath().normalize();
        if (!Files.isRegularFile(home.resolve("benchmarks/pom.xml")) || !Files.isRegularFile(home.resolve("mvnw"))) {
            throw new CliException("SLUICE_HOME=" + home + " is not a Sluice source tree (no benchmarks/pom.xml or"
                    + " mvnw there)");
        }
        return new BenchmarksJar(home);
    }

    Path jar() {
        return jar;
    }

    /** The source tree's root, where the {@code sluice} launcher is. */
    Path home() {
        return home;
    }

    /** Whether the jar is missing or older than the root pom or any pom or src/main file of its modules. */
    boolean stale() {
        if (!Files.isRegularFile(jar)) {
            return true;
        }
        try {
            FileTime built = Files.getLastModifiedTime(jar);
            List<Path> sources = new ArrayList<>();
            sources.add(home.resolve("pom.xml"));
            for (String module : MODULES) {
                sources.add(home.resolve(module).resolve("pom.xml"));
                sources.add(home.resolve(module).resolve("src/main"));
            }
            for (Path source : sources) {
                if (!Files.exists(source)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(source)) {
                    if (files.filter(Files::isRegularFile).anyMatch(f -> newer(f, built))) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean newer(Path file, FileTime than) {
        try {
            return Files.getLastModifiedTime(file).compareTo(than) > 0;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Builds the jar with the Maven wrapper if it is {@link #stale()}, quietly, its output in a log
     * file whose tail is printed to {@code err} on failure.
     *
     * @throws CliException when the build fails or leaves no jar
     */
    void buildIfStale(PrintWriter err) {
        if (!stale()) {
            return;
        }
        Path log = Path.of(System.getProperty("java.io.tmpdir"), "sluice-bench-build.log");
        err.println("sluice: building the benchmarks (first run or sources changed); log in " + log);
        err.flush();
        List<String> command = List.of("./mvnw", "-q", "-B", "-DskipTests", "-pl", "benchmarks", "-am", "package");
        int exit;
        try {
            Process build = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            exit = ChildProcesses.await(build);
        } catch (IOException e) {
            throw new CliException("cannot run " + String.join(" ", command) + " in " + home + ": " + e.getMessage(), e);
        }
        if (exit != 0 || !Files.isRegularFile(jar)) {
            printTail(log, 20, err);
            throw new CliException("building the benchmarks failed (" + (exit != 0 ? "exit " + exit : "no " + jar)
                    + "); full log: " + log);
        }
    }

    /**
     * Runs {@code java -jar benchmarks.jar args...} on this JVM's Java, its output going straight to
     * this process's (JMH's progress), and waits for it.
     *
     * @return the child's exit code
     */
    int run(List<String> args) {
        List<String> command = new ArrayList<>(List.of("-jar", jar.toString()));
        command.addAll(args);
        return runJava(command);
    }

    /**
     * Runs {@code mainClass} from the jar ({@code java -cp benchmarks.jar mainClass args...}), for a
     * suite that is not JMH, its output going straight to this process's, and waits for it.
     *
     * @return the child's exit code
     */
    int runMain(String mainClass, List<String> args) {
        List<String> command = new ArrayList<>(List.of("-cp", jar.toString(), mainClass));
        command.addAll(args);
        return runJava(command);
    }

    private static int runJava(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(args);
        try {
            return ChildProcesses.await(new ProcessBuilder(command).inheritIO().start());
        } catch (IOException e) {
            throw new CliException("cannot start the benchmarks: " + e.getMessage(), e);
        }
    }

    private static void printTail(Path log, int lines, PrintWriter err) {
        try {
            List<String> all = Files.readAllLines(log);
            all.subList(Math.max(0, all.size() - lines), all.size()).forEach(err::println);
        } catch (IOException | UncheckedIOException e) {
            err.println("(cannot read " + log + ": " + e.getMessage() + ")");
        }
        err.flush();
    }
}
