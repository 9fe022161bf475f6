package io.sluice.benchmarks.proxy;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The overload benchmark behind {@code ./sluice bench overload} (issue 13): a per-client rate limit
 * of {@code rate}/s on Sluice ({@code rate-limits}, GCRA), HAProxy (a stick table:
 * {@code http-request deny deny_status 429 if { sc_http_req_rate(0) gt N }}) and NGINX
 * ({@code limit_req}), each offered {@code overload} times the limit, plus the cost of Sluice's filter
 * chain (requests/s with {@code filter-rules} non-matching rules against none).
 *
 * <h2>Method</h2>
 * The load is wrk, as {@code bench proxy} uses, paced by a Lua {@code delay()} so each connection
 * sends at a fixed rate (open-loop enough when answers take far less than the pacing delay): the
 * flood, {@code x-client: flood} at {@code overload x rate}, and at the same time a probe,
 * {@code x-client: probe} at {@link #PROBE_RATE}/s, a client under its own limit. The limiter's
 * accuracy is the flood's admitted (2xx) rate against the limit; what overload does to admitted
 * requests is the probe's p99 against the same probe run alone before the flood (unloaded).
 * wrk's percentiles are not corrected for coordinated omission; the probe's rate is far below what
 * the proxy serves, so a stall shows as a longer latency of the request that waited.
 *
 * <p>Everything listens on 127.0.0.1; backends are the single-worker NGINX instances of
 * {@code bench proxy}. Writes {@code summary.md}, the configs, the Lua scripts and every wrk output
 * to the output directory. The figures need a quiet machine.
 */
public final class OverloadBench {
    /** The probe client's rate, requests/s: well under the limit, so every probe request is admitted. */
    static final int PROBE_RATE = 200;
    static final int PROBE_CONNECTIONS = 4;
    static final int FLOOD_CONNECTIONS = 50;
    /** The closed-loop connections of the filter-chain runs. */
    static final int FILTER_CONNECTIONS = 64;
    private static final Duration START = Duration.ofSeconds(180);

    /** The options; see {@link #USAGE}. */
    record Options(int rate, int overload, int burst, int seconds, int threads, int rounds, int filterRules,
                   Path sluice, Path out, boolean install) {
        static final String USAGE = """
                usage: overload-bench [--rate 1000] [--overload 10] [--burst 100] [--duration 10s] [--threads 1]
                                      [--rounds 3] [--filter-rules 20] [--quick] [--no-install]
                                      [--sluice LAUNCHER] [--out DIR]""";

        static Options parse(String[] args) {
            int rate = 1000;
            int overload = 10;
            int burst = 100;
            int seconds = 10;
            int threads = 1;
            int rounds = 3;
            int rules = 20;
            Path sluice = null;
            Path out = Path.of("results/overload-bench");
            boolean install = true;
            boolean quick = false;
            Integer explicitSeconds = null;
            Integer explicitRounds = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> quick = true;
                    case "--no-install" -> install = false;
                    default -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("'" + a + "' needs a value\n" + USAGE);
                        }
                        String v = args[++i];
                        switch (a) {
                            case "--rate" -> rate = positive(a, v);
                            case "--overload" -> overload = positive(a, v);
                            case "--burst" -> burst = positive(a, v);
                            case "--duration" -> explicitSeconds = seconds(v);
                            case "--threads" -> threads = positive(a, v);
                            case "--rounds" -> explicitRounds = positive(a, v);
                            case "--filter-rules" -> rules = positive(a, v);
                            case "--sluice" -> sluice = Path.of(v);
                            case "--out" -> out = Path.of(v);
                            default -> throw new IllegalArgumentException("unknown option '" + a + "'\n" + USAGE);
                        }
                    }
                }
            }
            if (quick) {
                seconds = 2;
                rounds = 1;
            }
            seconds = explicitSeconds != null ? explicitSeconds : seconds;
            rounds = explicitRounds != null ? explicitRounds : rounds;
            return new Options(rate, overload, burst, seconds, threads, rounds, rules, sluice, out, install);
        }

        private static int positive(String option, String v) {
            try {
                int n = Integer.parseInt(v.trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(option + ": '" + v + "' is not a whole number above 0");
        }

        /** {@code 10s}, {@code 1m} or a bare number of seconds. */
        static int seconds(String v) {
            String t = v.trim();
            try {
                if (t.endsWith("m")) {
                    return Math.multiplyExact(60, Integer.parseInt(t.substring(0, t.length() - 1)));
                }
                int n = Integer.parseInt(t.endsWith("s") ? t.substring(0, t.length() - 1) : t);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException | ArithmeticException e) {
                // reported below
            }
            throw new IllegalArgumentException("--duration: '" + v + "' is not a duration like 10s or 1m");
        }
    }

    private final Options options;
    private final PrintStream out;
    private final PrintStream err;

    OverloadBench(Options options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(Options.USAGE);
            return;
        }
        int code;
        try {
            code = new OverloadBench(Options.parse(args), System.out, System.err).run();
        } catch (IllegalArgumentException e) {
            System.err.println("overload-bench: " + e.getMessage());
            code = 2;
        } catch (BenchFailure | UncheckedIOException | IllegalStateException e) {
            System.err.println("overload-bench: " + e.getMessage());
            code = 1;
        } catch (InterruptedException e) {
            System.err.println("overload-bench: interrupted");
            code = 1;
        }
        System.out.flush();
        System.exit(code);
    }

    /** One target's figures over the rounds (each list one value per round). */
    record Figures(String target, List<Double> offered, List<Double> admitted, List<Double> probeP99Unloaded,
                   List<Double> probeP99Loaded) {
        double errorPercent(int limit) {
            return (Median.of(admitted) - limit) * 100.0 / limit;
        }

        double p99Ratio() {
            return Median.of(probeP99Loaded) / Median.of(probeP99Unloaded);
        }
    }

    int run() throws InterruptedException {
        Path dir = options.out().toAbsolutePath().normalize();
        Path work;
        try {
            Files.createDirectories(dir.resolve("configs"));
            Files.createDirectories(dir.resolve("wrk"));
            Files.createDirectories(dir.resolve("logs"));
            work = Files.createTempDirectory("sluice-overload-bench-");
        } catch (IOException e) {
            throw new BenchFailure("cannot create " + dir + " or a temp directory: " + e.getMessage(), e);
        }
        Tools tools = Tools.ensure(options.install(), dir.resolve("logs"), err);
        err.println("overload-bench: limit " + options.rate() + "/s per client (burst " + options.burst()
                + "), flood at " + options.overload() + "x, probe at " + PROBE_RATE + "/s, " + options.seconds()
                + " s runs, " + options.rounds() + " round(s), " + options.threads() + " worker thread(s)");
        if (options.sluice() == null) {
            err.println("overload-bench: no --sluice launcher given: Sluice is not measured");
        }
        List<Figures> figures = new ArrayList<>();
        double[] filterCost = null;
        try (ChildProcessGroup children = new ChildProcessGroup()) {
            backendPorts = Loopback.freePorts(ProxyBench.BACKENDS);
            startBackends(children, tools, work, dir, backendPorts);
            List<Integer> ports = Loopback.freePorts(6);
            List<String> targets = new ArrayList<>();
            if (options.sluice() != null) {
                targets.add("sluice");
            }
            targets.add("haproxy");
            targets.add("nginx");
            for (int t = 0; t < targets.size(); t++) {
                String target = targets.get(t);
                int port = ports.get(t);
                Process p = startTarget(children, tools, target, Mode.LIMIT, port, ports.get(5), work, dir);
                figures.add(measureLimit(children, tools, target, port, p, dir));
                children.stop(p);
            }
            if (options.sluice() != null) {
                filterCost = measureFilters(children, tools, ports.get(3), ports.get(4), ports.get(5), work, dir);
            }
            if (children.shuttingDown()) {
                throw new BenchFailure("stopped (Ctrl-C or kill) before the end; no results written");
            }
        } finally {
            deleteTree(work);
        }
        String summary = summary(figures, filterCost);
        out.println(summary);
        write(dir.resolve("summary.md"), summary);
        err.println("overload-bench: wrote " + dir.resolve("summary.md"));
        return 0;
    }

    private void startBackends(ChildProcessGroup children, Tools tools, Path work, Path dir, List<Integer> ports)
            throws InterruptedException {
        for (int i = 0; i < ports.size(); i++) {
            String id = "b" + (i + 1);
            Path home = work.resolve("backend-" + id);
            Path config = home.resolve("nginx.conf");
            write(config, NginxConfig.backend(home, ports.get(i), ProxyBench.BACKEND_BODY + id));
            Path log = dir.resolve("logs/backend-" + id + ".log");
            Process p = children.start(NginxConfig.command(tools.nginx(), home, config), log);
            await(ports.get(i), p, "backend " + id, log);
        }
    }

    /** What a Sluice target is configured with: the rate limit, or for the filter runs no rules or the rules. */
    private enum Mode { LIMIT, NO_FILTERS, FILTERS }

    private List<Integer> backendPorts;

    private Process startTarget(ChildProcessGroup children, Tools tools, String target, Mode mode, int port,
                                int adminPort, Path work, Path dir) throws InterruptedException {
        String tag = target + (mode == Mode.LIMIT ? "" : "-" + mode.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        Path log = dir.resolve("logs/" + tag + ".log");
        List<Integer> backends = backendPorts;
        Process p = switch (target) {
            case "sluice" -> {
                Path config = work.resolve(tag + ".yaml");
                String yaml = mode == Mode.LIMIT
                        ? OverloadConfigs.sluice(options.threads(), port, adminPort, backends, options.rate(),
                        options.burst())
                        : OverloadConfigs.sluiceFilters(options.threads(), port, adminPort, backends,
                        mode == Mode.FILTERS ? options.filterRules() : 0);
                write(config, yaml);
                copy(config, dir.resolve("configs/" + tag + ".yaml"));
                yield children.start(SluiceConfig.command(options.sluice(), config), log);
            }
            case "haproxy" -> {
                Path config = work.resolve("haproxy.cfg");
                write(config, OverloadConfigs.haproxy(options.threads(), port, backends, options.rate()));
                copy(config, dir.resolve("configs/haproxy.cfg"));
                yield children.start(HaproxyConfig.command(tools.haproxy(), config), log);
            }
            default -> {
                Path home = work.resolve("nginx-proxy");
                Path config = home.resolve("nginx.conf");
                write(config, OverloadConfigs.nginx(home, options.threads(), port, backends, options.rate(),
                        options.burst()));
                copy(config, dir.resolve("configs/nginx.conf"));
                yield children.start(NginxConfig.command(tools.nginx(), home, config), log);
            }
        };
        await(port, p, target, log);
        return p;
    }

    private Figures measureLimit(ChildProcessGroup children, Tools tools, String target, int port, Process p, Path dir)
            throws InterruptedException {
        List<Double> offered = new ArrayList<>();
        List<Double> admitted = new ArrayList<>();
        List<Double> unloaded = new ArrayList<>();
        List<Double> loaded = new ArrayList<>();
        Path probeScript = dir.resolve("wrk/probe.lua");
        Path floodScript = dir.resolve("wrk/flood.lua");
        write(probeScript, OverloadConfigs.pacedScript("probe", PROBE_CONNECTIONS, PROBE_RATE));
        write(floodScript, OverloadConfigs.pacedScript("flood", FLOOD_CONNECTIONS,
                (long) options.rate() * options.overload()));
        int s = options.seconds();
        for (int round = 1; round <= options.rounds(); round++) {
            String tag = target + "-r" + round;
            WrkResult alone = wrk(children, tools, port, s, PROBE_CONNECTIONS, probeScript, dir, tag + "-probe-alone");
            WrkResult[] both = new WrkResult[2];
            Path floodOutput = dir.resolve("wrk/" + tag + "-flood.txt");
            Process flood = children.start(wrkCommand(tools, port, s, FLOOD_CONNECTIONS, floodScript), floodOutput);
            both[1] = wrk(children, tools, port, s, PROBE_CONNECTIONS, probeScript, dir, tag + "-probe-loaded");
            both[0] = finish(children, flood, s, floodOutput);
            double admittedRate = (both[0].requests() - both[0].non2xx()) / (double) s;
            offered.add(both[0].requests() / (double) s);
            admitted.add(admittedRate);
            unloaded.add(alone.p99Micros());
            loaded.add(both[1].p99Micros());
            err.printf(Locale.ROOT, "overload-bench: %-8s round %d: offered %.0f/s, admitted %.0f/s (limit %d),"
                            + " probe p99 %.0f us alone, %.0f us under the flood (probe non-2xx: %d)%n", target, round,
                    both[0].requests() / (double) s, admittedRate, options.rate(), alone.p99Micros(),
                    both[1].p99Micros(), both[1].non2xx());
        }
        return new Figures(target, offered, admitted, unloaded, loaded);
    }

    /** Sluice closed-loop req/s without filters and with {@code filter-rules} rules, interleaved rounds. */
    private double[] measureFilters(ChildProcessGroup children, Tools tools, int plainPort, int filteredPort,
                                    int adminPort, Path work, Path dir) throws InterruptedException {
        Process plain = startTarget(children, tools, "sluice", Mode.NO_FILTERS, plainPort, Loopback.freePorts(1).get(0),
                work, dir);
        Process filtered = startTarget(children, tools, "sluice", Mode.FILTERS, filteredPort, adminPort, work, dir);
        List<Double> none = new ArrayList<>();
        List<Double> rules = new ArrayList<>();
        int s = options.seconds();
        // A warm-up for each (JIT), then interleaved rounds.
        wrk(children, tools, plainPort, s, FILTER_CONNECTIONS, null, dir, "filters-warmup-none");
        wrk(children, tools, filteredPort, s, FILTER_CONNECTIONS, null, dir, "filters-warmup-rules");
        for (int round = 1; round <= options.rounds(); round++) {
            none.add(wrk(children, tools, plainPort, s, FILTER_CONNECTIONS, null, dir, "filters-r" + round + "-none")
                    .requestsPerSecond());
            rules.add(wrk(children, tools, filteredPort, s, FILTER_CONNECTIONS, null, dir,
                    "filters-r" + round + "-rules").requestsPerSecond());
        }
        children.stop(plain);
        children.stop(filtered);
        return new double[] {Median.of(none), Median.of(rules)};
    }

    /** Waits for a wrk started earlier and parses its output. */
    private static WrkResult finish(ChildProcessGroup children, Process wrk, int seconds, Path output)
            throws InterruptedException {
        try {
            if (!wrk.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
                throw new BenchFailure("wrk did not finish within " + (seconds + 30) + " s");
            }
        } finally {
            children.stop(wrk);
        }
        try {
            return WrkResult.parse(Files.readString(output));
        } catch (IOException e) {
            throw new BenchFailure("cannot read wrk's output " + output + ": " + e.getMessage(), e);
        }
    }

    private static WrkResult wrk(ChildProcessGroup children, Tools tools, int port, int seconds, int connections,
                                 Path script, Path dir, String tag) throws InterruptedException {
        Path output = dir.resolve("wrk/" + tag + ".txt");
        return finish(children, children.start(wrkCommand(tools, port, seconds, connections, script), output), seconds,
                output);
    }

    static List<String> wrkCommand(Tools tools, int port, int seconds, int connections, Path script) {
        List<String> cmd = new ArrayList<>(List.of(tools.wrk().toString(), "-t1", "-c" + connections,
                "-d" + seconds + "s", "--latency"));
        if (script != null) {
            cmd.add("-s");
            cmd.add(script.toString());
        }
        cmd.add("http://" + Loopback.address(port) + "/");
        return cmd;
    }

    String summary(List<Figures> figures, double[] filterCost) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "## Overload: limit %d/s per client, offered %dx (medians of %d round(s)"
                + " of %d s, %d worker thread(s))%n%n", options.rate(), options.overload(), options.rounds(),
                options.seconds(), options.threads()));
        s.append("| target | offered req/s | admitted req/s | error vs limit | probe p99 unloaded | probe p99 under"
                + " flood | p99 ratio |\n|---|---|---|---|---|---|---|\n");
        for (Figures f : figures) {
            s.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %+.1f%% | %.2f ms | %.2f ms | %.2fx |%n",
                    f.target(), Median.of(f.offered()), Median.of(f.admitted()), f.errorPercent(options.rate()),
                    Median.of(f.probeP99Unloaded()) / 1000, Median.of(f.probeP99Loaded()) / 1000, f.p99Ratio()));
        }
        s.append(String.format(Locale.ROOT, "%nAdmitted = 2xx answers of the flood client over the run; the"
                + " burst (%d) is included, so a perfect limiter is %+.1f%% over. Targets: error within 2%%, p99"
                + " ratio at most 1.2.%n", options.burst(), options.burst() * 100.0 / options.rate() / options.seconds()));
        if (filterCost != null) {
            s.append(String.format(Locale.ROOT, "%n## Filter chain cost (Sluice, wrk -c%d closed loop)%n%n| rules |"
                            + " req/s |%n|---|---|%n| 0 | %.0f |%n| %d | %.0f |%n%nWith %d rules: %.1f%% of the"
                            + " requests/s without.%n", FILTER_CONNECTIONS, filterCost[0], options.filterRules(),
                    filterCost[1], options.filterRules(), filterCost[1] * 100 / filterCost[0]));
        }
        s.append("\n").append(ProxyBench.NOISE_NOTE).append("\n");
        return s.toString();
    }

    private void await(int port, Process p, String what, Path log) throws InterruptedException {
        try {
            HttpProbe.awaitOk(port, p, START);
        } catch (IOException e) {
            throw new BenchFailure(what + " on " + Loopback.address(port) + " did not start: " + e.getMessage()
                    + "; see " + log);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to) {
        try {
            Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp directory left behind is harmless
        }
    }
}
