package io.sluice.benchmarks.proxy;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The three programs the benchmark runs besides Sluice, found on this machine and, if any is
 * missing, installed from Debian's packages with {@code apt-get} (the package names are the program
 * names).
 *
 * @param haproxy the {@code haproxy} executable
 * @param nginx   the {@code nginx} executable (backends and the NGINX proxy)
 * @param wrk     the {@code wrk} executable
 */
record Tools(Path haproxy, Path nginx, Path wrk) {
    static final List<String> PROGRAMS = List.of("haproxy", "nginx", "wrk");

    /** Where to look besides {@code PATH}: Debian puts haproxy and nginx in sbin, absent from a user's PATH. */
    private static final List<String> EXTRA_DIRS = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");

    /**
     * The tools, installed first if any is missing and {@code install} allows it: {@code apt-get
     * update} once, then {@code apt-get install -y} with the missing ones, output in a log whose tail
     * is printed on failure.
     *
     * @throws BenchFailure when a tool is missing and cannot (or may not) be installed
     */
    static Tools ensure(boolean install, Path logDir, PrintStream err) {
        List<String> missing = PROGRAMS.stream().filter(p -> find(p).isEmpty()).toList();
        if (!missing.isEmpty()) {
            String apt = "apt-get install -y " + String.join(" ", missing);
            if (!install) {
                throw new BenchFailure("missing " + String.join(", ", missing) + "; install with: " + apt);
            }
            Path log = logDir.resolve("apt.log");
            err.println("proxy-bench: " + String.join(", ", missing) + " missing; running apt-get update and " + apt
                    + " (log: " + log + ")");
            err.flush();
            List<String> installCommand = new ArrayList<>(List.of("apt-get", "install", "-y", "-q"));
            installCommand.addAll(missing);
            if (runLogged(List.of("apt-get", "update", "-q"), log) != 0 || runLogged(installCommand, log) != 0) {
                printTail(log, err);
                throw new BenchFailure("could not install " + String.join(", ", missing) + " (apt-get failed; are"
                        + " you root?); install them with: apt-get update && " + apt);
            }
        }
        Set<String> stillMissing = new LinkedHashSet<>();
        for (String program : PROGRAMS) {
            if (find(program).isEmpty()) {
                stillMissing.add(program);
            }
        }
        if (!stillMissing.isEmpty()) {
            throw new BenchFailure("still missing after apt-get: " + String.join(", ", stillMissing));
        }
        return new Tools(find("haproxy").orElseThrow(), find("nginx").orElseThrow(), find("wrk").orElseThrow());
    }

    /** The first executable file named {@code program} in {@code PATH} or the sbin directories. */
    static Optional<Path> find(String program) {
        Set<String> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    dirs.add(dir);
                }
            }
        }
        dirs.addAll(EXTRA_DIRS);
        for (String dir : dirs) {
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * What each program says about its version, for the results: the first line of {@code haproxy
     * -v}, {@code nginx -v}, {@code wrk -v}, without the home page or copyright that follows.
     */
    Map<String, String> versions() {
        return Map.of("haproxy", firstLine(List.of(haproxy.toString(), "-v")),
                "nginx", firstLine(List.of(nginx.toString(), "-v")),
                "wrk", firstLine(List.of(wrk.toString(), "-v")));
    }

    private static String firstLine(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(5, TimeUnit.SECONDS);
            return out.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
                    .map(l -> l.replaceFirst(" - https?://.*$", "").replaceFirst(" Copyright .*$", ""))
                    .orElse("?");
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private static int runLogged(List<String> command, Path log) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        try {
            return builder.start().waitFor();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchFailure("interrupted while running " + String.join(" ", command));
        }
    }

    private static void printTail(Path log, PrintStream err) {
        try {
            List<String> lines = Files.readAllLines(log);
            lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(err::println);
        } catch (IOException | UncheckedIOException e) {
            err.println("(cannot read " + log + ")");
        }
    }
}
