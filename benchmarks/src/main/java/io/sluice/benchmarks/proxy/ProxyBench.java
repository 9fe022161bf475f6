package io.sluice.benchmarks.proxy;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The side-by-side proxy comparison behind {@code ./sluice bench proxy}: Sluice, HAProxy and NGINX,
 * each with the same number of worker threads, keep-alive on both sides and round robin over the
 * same two backends, measured by wrk in interleaved rounds, with a backend measured directly as the
 * ceiling.
 *
 * <p>Method, per thread count: start the proxies, check that each answers and spreads requests over
 * both backends, run wrk once per target as warm-up (JIT, connection pools), then {@code rounds}
 * rounds of {@code direct, sluice, haproxy, nginx}. Interleaving spreads whatever else the shared
 * machine is doing over all targets alike, where measuring one target's rounds back to back would
 * pin a busy minute on one of them. The figures are the medians over the rounds, and the ratios
 * compare Sluice with HAProxy measured in the same run. The backends are two single-worker NGINX
 * instances answering a fixed body from their config ({@link NginxConfig#backend}), started once.
 *
 * <p>Everything is on 127.0.0.1, on free ports; every process is a child stopped at the end or on
 * Ctrl-C ({@link ChildProcessGroup}). Writes {@code proxy-bench.json}, {@code summary.md}, the
 * generated configs ({@code configs/}), every wrk output ({@code wrk/}) and the servers' logs
 * ({@code logs/}) to the output directory. See {@code benchmarks/proxy/README.md} for the JSON.
 */
public final class ProxyBench {
    /** The body of backend {@code bN} is this followed by its id: equal lengths, so equal work. */
    static final String BACKEND_BODY = "sluice bench backend ";
    static final int BACKENDS = 2;

    private static final Duration NGINX_HAPROXY_START = Duration.ofSeconds(15);
    /** A JVM start, and a launcher that may rebuild the command line first. */
    private static final Duration SLUICE_START = Duration.ofSeconds(180);
    /** Requests through each proxy before measuring, to see both backends answer. */
    private static final int BALANCE_PROBES = 8;

    static final String NOISE_NOTE = "This machine is shared and noisy: absolute req/s move from run to run."
            + " Quote the Sluice/HAProxy ratios measured in the same run (interleaved rounds), not numbers taken"
            + " from different runs.";

    private final ProxyBenchOptions options;
    private final PrintStream out;
    private final PrintStream err;
    /** The transport Sluice said at start it runs on, or null before it started. */
    private String sluiceTransport;

    ProxyBench(ProxyBenchOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /** Runs the benchmark; exit code 0 when it measured, 1 when it could not, 2 on bad options. */
    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(ProxyBenchOptions.USAGE);
            return;
        }
        int code;
        try {
            code = new ProxyBench(ProxyBenchOptions.parse(args), System.out, System.err).run();
        } catch (IllegalArgumentException e) {
            System.err.println("proxy-bench: " + e.getMessage());
            code = 2;
        } catch (BenchFailure | UncheckedIOException e) {
            System.err.println("proxy-bench: " + e.getMessage());
            code = 1;
        } catch (InterruptedException e) {
            System.err.println("proxy-bench: interrupted");
            code = 1;
        }
        System.out.flush();
        System.exit(code);
    }

    /** A server wrk is pointed at: the target, its port and its process (NGINX's master for NGINX). */
    private record Server(Target target, int port, Process process, Path log) {
    }

    int run() throws InterruptedException {
        Path dir = options.out().toAbsolutePath().normalize();
        Path work;
        try {
            Files.createDirectories(dir.resolve("configs"));
            Files.createDirectories(dir.resolve("wrk"));
            Files.createDirectories(dir.resolve("logs"));
            work = Files.createTempDirectory("sluice-proxy-bench-");
        } catch (IOException e) {
            throw new BenchFailure("cannot create " + dir + " or a temp directory: " + e.getMessage(), e);
        }
        Tools tools = Tools.ensure(options.install(), dir.resolve("logs"), err);
        Map<String, String> versions = new LinkedHashMap<>(tools.versions());
        List<Target> targets = targets();
        Wrk wrk = new Wrk(tools.wrk(), options.wrkThreads());
        Instant started = Instant.now();
        printPlan(targets, wrk, dir);

        List<Comparison> comparisons = new ArrayList<>();
        List<Comparison> cold = new ArrayList<>();
        List<Run> runs = new ArrayList<>();
        try (ChildProcessGroup children = new ChildProcessGroup()) {
            List<Integer> backendPorts = Loopback.freePorts(BACKENDS);
            Server direct = startBackends(children, tools, work, dir, backendPorts);
            for (int threads : options.threads()) {
                List<Run> matrixRuns = new ArrayList<>();
                Map<Target, String> failures = new EnumMap<>(Target.class);
                measureMatrix(children, tools, wrk, work, dir, threads, targets, direct, backendPorts, matrixRuns,
                        failures);
                runs.addAll(matrixRuns);
                List<Run> coldRuns = matrixRuns.stream().filter(r -> r.round() == Run.COLD).toList();
                if (!coldRuns.isEmpty()) {
                    cold.add(Comparison.of(threads, options.connections().get(0), targets, coldRuns, Map.of()));
                }
                for (int connections : options.connections()) {
                    comparisons.add(Comparison.of(threads, connections, targets, matrixRuns.stream()
                            .filter(r -> r.round() != Run.COLD && r.connections() == connections).toList(), failures));
                }
            }
            if (children.shuttingDown()) {
                throw new BenchFailure("stopped (Ctrl-C or kill) before the end; no results written");
            }
        } finally {
            deleteTree(work);
        }
        Instant finished = Instant.now();

        ResultsFile results = new ResultsFile(options, versions, targets, started, finished, runs, comparisons, cold,
                sluiceTransport);
        results.write(dir.resolve("proxy-bench.json"));
        String summary = results.summaryMarkdown();
        write(dir.resolve("summary.md"), summary);
        out.println();
        for (Comparison comparison : comparisons) {
            out.println("Proxies at " + comparison.threads() + (comparison.threads() == 1 ? " thread" : " threads")
                    + " (medians of " + options.rounds() + (options.rounds() == 1 ? " round, " : " rounds, ")
                    + wrk.describe(comparison.connections()) + " -d" + options.durationSeconds() + "s):");
            out.println();
            out.print(comparison.toMarkdown());
            out.println();
        }
        for (Comparison comparison : cold) {
            out.println("First " + options.coldSeconds() + " s after start (JIT warm-up), " + comparison.threads()
                    + (comparison.threads() == 1 ? " thread, " : " threads, ") + wrk.describe(comparison.connections())
                    + ", one run each:");
            out.println();
            out.print(comparison.toMarkdown());
            out.println();
        }
        if (options.sluice() == null) {
            out.println("Sluice was not measured: `./sluice proxy` is not available in this build.");
        } else {
            out.println("Sluice ran on the " + (sluiceTransport == null ? "(unreported)" : sluiceTransport)
                    + " transport (--transport " + options.transport() + ").");
        }
        out.println(NOISE_NOTE);
        out.println("Wrote " + dir.resolve("summary.md") + ", proxy-bench.json, and the configs, wrk outputs and"
                + " logs beside them.");
        out.flush();
        return 0;
    }

    /** direct, sluice (when its launcher was given), sluice-kafka (with --kafka too), haproxy, nginx. */
    List<Target> targets() {
        List<Target> targets = new ArrayList<>(List.of(Target.values()));
        if (options.sluice() == null) {
            targets.remove(Target.SLUICE);
        }
        if (options.sluice() == null || options.kafka() == null) {
            targets.remove(Target.SLUICE_KAFKA);
        }
        return targets;
    }

    private void printPlan(List<Target> targets, Wrk wrk, Path dir) {
        long perMatrix = (long) targets.size() * (options.coldSeconds() + options.warmupSeconds()
                + (long) options.rounds() * options.durationSeconds() * options.connections().size());
        long total = perMatrix * options.threads().size();
        err.printf("proxy-bench: targets %s; proxy threads %s; wrk connections %s; a %d s run right after start,"
                        + " warm-up %d s, then %d round%s of %d s per target and connection count; %s; about %d s in"
                        + " all; results in %s%n",
                String.join(", ", targets.stream().map(Target::key).toList()),
                String.join(",", options.threads().stream().map(String::valueOf).toList()),
                String.join(",", options.connections().stream().map(String::valueOf).toList()),
                options.coldSeconds(), options.warmupSeconds(), options.rounds(), options.rounds() == 1 ? "" : "s",
                options.durationSeconds(), wrk.describe(options.connections().get(0)), total, dir);
        if (options.sluice() == null) {
            err.println("proxy-bench: NOTE: Sluice is not measured: `./sluice proxy` is not available in this build;"
                    + " measuring direct, HAProxy and NGINX only.");
        }
        err.flush();
    }

    private Server startBackends(ChildProcessGroup children, Tools tools, Path work, Path dir,
                                 List<Integer> ports) throws InterruptedException {
        List<Server> started = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            String id = "b" + (i + 1);
            Path home = work.resolve("backend-" + id);
            Path config = home.resolve("nginx.conf");
            writeConfig(config, NginxConfig.backend(home, ports.get(i), BACKEND_BODY + id),
                    dir.resolve("configs/backend-" + id + ".conf"));
            Path log = dir.resolve("logs/backend-" + id + ".log");
            Process process = children.start(NginxConfig.command(tools.nginx(), home, config), log);
            started.add(new Server(Target.DIRECT, ports.get(i), process, log));
        }
        for (int i = 0; i < started.size(); i++) {
            Server backend = started.get(i);
            try {
                HttpProbe.Response response = HttpProbe.awaitOk(backend.port(), backend.process(), NGINX_HAPROXY_START);
                if (!response.body().strip().equals(BACKEND_BODY + "b" + (i + 1))) {
                    throw new IOException("unexpected body '" + response.body().strip() + "'");
                }
            } catch (IOException e) {
                throw new BenchFailure("backend b" + (i + 1) + " (nginx on " + Loopback.address(backend.port())
                        + ") did not start: " + e.getMessage() + tail(backend.log()));
            }
        }
        err.println("proxy-bench: backends b1, b2 up on " + Loopback.address(ports.get(0)) + ", "
                + Loopback.address(ports.get(1)) + " (nginx, 1 worker each)");
        return started.get(0);
    }

    private void measureMatrix(ChildProcessGroup children, Tools tools, Wrk wrk, Path work, Path dir, int threads,
                               List<Target> targets, Server direct, List<Integer> backendPorts, List<Run> runs,
                               Map<Target, String> failures) throws InterruptedException {
        String tag = "t" + threads;
        // sluice, haproxy, nginx, sluice's admin, sluice-kafka, sluice-kafka's admin
        List<Integer> ports = Loopback.freePorts(6);
        Path matrixDir = work.resolve(tag);
        Map<Target, Server> live = new EnumMap<>(Target.class);
        live.put(Target.DIRECT, direct);
        err.printf("%nproxy-bench: %d proxy thread%s: starting %s%n", threads, threads == 1 ? "" : "s",
                String.join(", ", targets.stream().filter(t -> t != Target.DIRECT).map(Target::key).toList()));
        err.flush();
        for (Target target : targets) {
            if (target == Target.DIRECT) {
                continue;
            }
            try {
                live.put(target, startProxy(children, tools, target, threads, matrixDir, dir, tag, ports,
                        backendPorts));
            } catch (RuntimeException e) {
                fail(target, "could not start: " + e.getMessage(), failures, live, children, null);
            }
        }
        for (Target target : targets) {
            Server server = live.get(target);
            if (target == Target.DIRECT || server == null) {
                continue;
            }
            try {
                awaitBalancing(server, target == Target.SLUICE || target == Target.SLUICE_KAFKA ? SLUICE_START
                        : NGINX_HAPROXY_START);
                if (target == Target.SLUICE) {
                    sluiceTransport = SluiceConfig.transportFromLog(server.log());
                    err.println("proxy-bench: sluice runs on the " + sluiceTransport + " transport");
                }
            } catch (IOException e) {
                fail(target, "did not start: " + e.getMessage() + tail(server.log()), failures, live,
                        children, server);
            }
        }

        int first = options.connections().get(0);
        if (options.coldSeconds() > 0) {
            // Each proxy has answered only the balance probes so far: these seconds include its JIT warm-up.
            for (Target target : targets) {
                Server server = live.get(target);
                if (server == null || target == Target.DIRECT) {
                    continue;
                }
                Path output = dir.resolve("wrk/" + tag + "-c" + first + "-cold-" + target.key() + ".txt");
                Measured measured = measure(children, wrk, server, options.coldSeconds(), first, output, failures, live);
                if (measured != null) {
                    runs.add(new Run(threads, first, Run.COLD, target, measured.result(),
                            measured.cpuMicrosPerRequest()));
                    report(threads, first, "first " + options.coldSeconds() + " s", target, measured.result());
                }
            }
        }
        if (options.warmupSeconds() > 0) {
            for (Target target : targets) {
                Server server = live.get(target);
                if (server == null) {
                    continue;
                }
                err.printf("proxy-bench: %d thread%s, warm-up %d s: %s%n", threads, threads == 1 ? "" : "s",
                        options.warmupSeconds(), target.key());
                err.flush();
                measure(children, wrk, server, options.warmupSeconds(), first,
                        dir.resolve("wrk/" + tag + "-warmup-" + target.key() + ".txt"), failures, live);
            }
        }
        for (int connections : options.connections()) {
            for (int round = 1; round <= options.rounds(); round++) {
                for (Target target : targets) {
                    Server server = live.get(target);
                    if (server == null) {
                        continue;
                    }
                    Path output = dir.resolve("wrk/" + tag + "-c" + connections + "-r" + round + "-" + target.key()
                            + ".txt");
                    Measured measured = measure(children, wrk, server, options.durationSeconds(), connections, output,
                            failures, live);
                    if (measured != null) {
                        runs.add(new Run(threads, connections, round, target, measured.result(),
                                measured.cpuMicrosPerRequest()));
                        report(threads, connections, "round " + round + "/" + options.rounds(), target,
                                measured.result());
                    }
                }
            }
        }
        for (Map.Entry<Target, Server> entry : live.entrySet()) {
            if (entry.getKey() != Target.DIRECT) {
                children.stop(entry.getValue().process());
            }
        }
    }

    private void report(int threads, int connections, String what, Target target, WrkResult r) {
        err.printf("proxy-bench: %d thread%s, c=%d, %s, %-7s %s req/s, p50 %s, p99 %s%s%n", threads,
                threads == 1 ? "" : "s", connections, what, target.key() + ":", Comparison.formatRate(r.requestsPerSecond()),
                Comparison.formatMicros(r.p50Micros()), Comparison.formatMicros(r.p99Micros()),
                r.errors() > 0 ? ", " + r.errors() + " errors!" : "");
        err.flush();
    }

    private Server startProxy(ChildProcessGroup children, Tools tools, Target target, int threads, Path matrixDir,
                              Path dir, String tag, List<Integer> ports, List<Integer> backendPorts) {
        Path log = dir.resolve("logs/" + tag + "-" + target.key() + ".log");
        return switch (target) {
            case SLUICE -> {
                Path config = matrixDir.resolve("sluice.yaml");
                writeConfig(config, SluiceConfig.render(threads, ports.get(0), ports.get(3), backendPorts),
                        dir.resolve("configs/" + tag + "-sluice.yaml"));
                yield new Server(target, ports.get(0), children.start(SluiceConfig.command(options.sluice(), config), log,
                        SluiceConfig.environment(options.transport())), log);
            }
            case SLUICE_KAFKA -> {
                Path config = matrixDir.resolve("sluice-kafka.yaml");
                writeConfig(config, SluiceConfig.render(threads, ports.get(4), ports.get(5), backendPorts,
                        options.kafka()),
                        dir.resolve("configs/" + tag + "-sluice-kafka.yaml"));
                yield new Server(target, ports.get(4), children.start(SluiceConfig.command(options.sluice(), config),
                        log, SluiceConfig.environment(options.transport())), log);
            }
            case HAPROXY -> {
                Path config = matrixDir.resolve("haproxy.cfg");
                writeConfig(config, HaproxyConfig.render(threads, ports.get(1), backendPorts),
                        dir.resolve("configs/" + tag + "-haproxy.cfg"));
                yield new Server(target, ports.get(1),
                        children.start(HaproxyConfig.command(tools.haproxy(), config), log), log);
            }
            case NGINX -> {
                Path home = matrixDir.resolve("nginx-proxy");
                Path config = home.resolve("nginx.conf");
                writeConfig(config, NginxConfig.proxy(home, threads, ports.get(2), backendPorts),
                        dir.resolve("configs/" + tag + "-nginx.conf"));
                yield new Server(target, ports.get(2),
                        children.start(NginxConfig.command(tools.nginx(), home, config), log), log);
            }
            case DIRECT -> throw new IllegalArgumentException("the direct target is a backend, not a proxy");
        };
    }

    /**
     * Waits for the first 200 through the proxy, then checks that its answers come from the backends
     * and, over {@link #BALANCE_PROBES} fresh connections, from both of them (only a warning when not:
     * NGINX's workers each keep their own round-robin position, so a few requests may all land on one).
     */
    private void awaitBalancing(Server server, Duration timeout) throws IOException, InterruptedException {
        HttpProbe.awaitOk(server.port(), server.process(), timeout);
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < BALANCE_PROBES; i++) {
            HttpProbe.Response response = HttpProbe.get(server.port());
            String body = response.body().strip();
            if (response.status() != 200 || !body.startsWith(BACKEND_BODY)) {
                throw new IOException("answered " + response.status() + " '" + body + "', not a backend's 200");
            }
            seen.add(body.substring(BACKEND_BODY.length()));
        }
        err.println("proxy-bench: " + server.target().key() + " up on " + Loopback.address(server.port())
                + ", answers from " + String.join(", ", seen));
        if (seen.size() < BACKENDS) {
            err.println("proxy-bench: WARNING: " + server.target().key() + " sent " + BALANCE_PROBES
                    + " requests all to " + String.join(", ", seen) + "; is it balancing?");
        }
        err.flush();
    }

    private record Measured(WrkResult result, double cpuMicrosPerRequest) {
    }

    /** One wrk run against {@code server}; on failure the target is marked failed and dropped from {@code live}. */
    private Measured measure(ChildProcessGroup children, Wrk wrk, Server server, int seconds, int connections,
                             Path output,
                             Map<Target, String> failures, Map<Target, Server> live) throws InterruptedException {
        if (!server.process().isAlive()) {
            fail(server.target(), "exited with code " + server.process().exitValue() + tail(server.log()),
                    failures, live, children, server);
            return null;
        }
        long cpuBefore = cpuNanos(server.process());
        WrkResult result;
        try {
            result = wrk.run(children, server.port(), seconds, connections, output);
            if (children.shuttingDown()) {
                throw new BenchFailure("stopped (Ctrl-C or kill) during a run; no results written");
            }
        } catch (IllegalStateException e) {
            if (children.shuttingDown()) {
                throw new BenchFailure("stopped (Ctrl-C or kill) during a run; no results written");
            }
            String state = server.process().isAlive() ? "" : " (the server exited with code "
                    + server.process().exitValue() + ")";
            fail(server.target(), e.getMessage() + state + tail(server.log()), failures, live, children, server);
            return null;
        }
        long cpuAfter = cpuNanos(server.process());
        double cpuPerRequest = cpuBefore < 0 || cpuAfter < 0 || result.requests() == 0 ? Double.NaN
                : (cpuAfter - cpuBefore) / 1e3 / result.requests();
        if (result.requests() == 0) {
            fail(server.target(), "served no request in " + seconds + " s (see " + output + ")", failures, live,
                    children, server);
            return null;
        }
        return new Measured(result, cpuPerRequest);
    }

    private void fail(Target target, String reason, Map<Target, String> failures, Map<Target, Server> live,
                      ChildProcessGroup children, Server server) {
        failures.merge(target, reason, (a, b) -> a + "; " + b);
        live.remove(target);
        err.println("proxy-bench: " + target.key() + " FAILED: " + reason);
        err.flush();
        if (server != null && target != Target.DIRECT) {
            children.stop(server.process());
        }
    }

    /**
     * User plus system CPU time of {@code process} and its descendants (NGINX's workers), or -1 when
     * the platform does not report it. Read from the kernel's accounting, so it counts only work
     * done for this process, whatever else shares the machine.
     */
    static long cpuNanos(Process process) {
        long total = 0;
        List<ProcessHandle> handles = new ArrayList<>();
        handles.add(process.toHandle());
        process.descendants().forEach(handles::add);
        for (ProcessHandle handle : handles) {
            var cpu = handle.info().totalCpuDuration();
            if (cpu.isEmpty()) {
                return -1;
            }
            total += cpu.get().toNanos();
        }
        return total;
    }

    private static String tail(Path log) {
        try {
            if (!Files.isRegularFile(log)) {
                return "";
            }
            List<String> lines = Files.readAllLines(log);
            List<String> last = lines.subList(Math.max(0, lines.size() - 8), lines.size());
            return last.isEmpty() ? "" : "\n    " + String.join("\n    ", last) + "\n  (log: " + log + ")";
        } catch (IOException | UncheckedIOException e) {
            return " (log: " + log + ")";
        }
    }

    /** Writes {@code text} to {@code file} (creating its directory) and a copy to {@code archived}. */
    private static void writeConfig(Path file, String text, Path archived) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            Files.writeString(archived, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A leftover temp directory is harmless; the results are already elsewhere.
        }
    }
}
