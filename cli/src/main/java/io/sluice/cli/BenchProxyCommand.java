package io.sluice.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice bench proxy}: Sluice side by side with HAProxy and NGINX, run by
 * {@code io.sluice.benchmarks.proxy.ProxyBench} from the benchmarks jar in a child JVM, which
 * installs what is missing, starts the backends and proxies, runs wrk and writes the results.
 *
 * <p>This command only builds the jar if stale, decides whether Sluice can be measured (this build
 * has a {@code proxy} subcommand or not) and passes the options on; unset options keep the
 * harness's defaults, documented in the option descriptions below.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = {
                "Compare Sluice with HAProxy and NGINX: same worker threads, keep-alive, round robin over two local"
                        + " backends; wrk against a backend directly and each proxy in interleaved rounds.",
                "Installs haproxy, nginx and wrk with apt-get if missing. Prints requests/s and p50/p99 per target"
                        + " (medians over the rounds) and the Sluice/HAProxy ratios; writes proxy-bench.json and"
                        + " summary.md to the output directory. Only 127.0.0.1 is used."})
final class BenchProxyCommand implements Callable<Integer> {
    static final String MAIN_CLASS = "io.sluice.benchmarks.proxy.ProxyBench";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--threads", split = ",", paramLabel = "N",
            description = "Worker threads for every proxy, one matrix per count (default: 1,2).")
    List<Integer> threads;

    @CommandLine.Option(names = "--rounds", paramLabel = "R",
            description = "Measured rounds per target and thread count; figures are their medians (default: 3).")
    Integer rounds;

    @CommandLine.Option(names = "--duration", paramLabel = "TIME",
            description = "Length of each measured wrk run, e.g. 10s or 1m (default: 10s; 2s with --quick).")
    String duration;

    @CommandLine.Option(names = "--warmup", paramLabel = "TIME",
            description = "Warm-up run per target before the first round (default: 5s; 1s with --quick).")
    String warmup;

    @CommandLine.Option(names = "--connections", split = ",", paramLabel = "C",
            description = "wrk connections, the same for every target; one table per count (default: 64,256).")
    List<Integer> connections;

    @CommandLine.Option(names = "--cold", paramLabel = "TIME",
            description = "A run right after each proxy starts, reported apart as its first seconds (JIT warm-up);"
                    + " 0s for none (default: 10s; 2s with --quick).")
    String cold;

    @CommandLine.Option(names = "--transport", paramLabel = "NAME",
            description = "Sluice's socket transport: auto, epoll, io_uring or nio (default: auto, which is epoll"
                    + " on Linux); the output says which ran.")
    String transport;

    @CommandLine.Option(names = "--kafka", paramLabel = "HOST:PORT",
            description = "Run Sluice with its Kafka control plane on this broker (membership both, the load view"
                    + " every 100 ms, metrics every second); compare its req/s with a run without. A local broker:"
                    + " java -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.kafka.ControlPlaneLatency"
                    + " --broker-only.")
    String kafka;

    @CommandLine.Option(names = "--wrk-threads", paramLabel = "T", description = "wrk's own threads (default: 1).")
    Integer wrkThreads;

    @CommandLine.Option(names = "--out", paramLabel = "DIR",
            description = "Output directory (default: results/proxy-bench-<yyyyMMdd-HHmmss>).")
    Path out;

    @CommandLine.Option(names = "--quick", description = "Smoke-test profile: 2 s runs after a 1 s warm-up, rough"
            + " numbers; explicit options still win.")
    boolean quick;

    @CommandLine.Option(names = "--no-install", description = "Fail instead of installing missing haproxy, nginx or"
            + " wrk with apt-get.")
    boolean noInstall;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        BenchmarksJar jar = BenchmarksJar.fromLauncher();
        Path launcher = jar.home().resolve("sluice");
        boolean sluiceAvailable = hasProxyCommand(spec.root());
        if (!sluiceAvailable) {
            err.println("sluice: `./sluice proxy` is not available in this build (no `proxy` subcommand yet), so Sluice"
                    + " is not measured; running the direct, HAProxy and NGINX targets only.");
        }
        jar.buildIfStale(err);
        err.flush();
        Path dir = (out != null ? out : BenchCommand.defaultOutDir("proxy-bench")).toAbsolutePath().normalize();
        int exit = jar.runMain(MAIN_CLASS, harnessArguments(sluiceAvailable ? launcher : null, dir));
        if (exit != 0) {
            err.println("sluice: the proxy benchmark failed (exit " + exit + "); see above");
            err.flush();
        }
        return exit;
    }

    /** Whether the command line this runs in has a {@code proxy} subcommand at its root. */
    static boolean hasProxyCommand(CommandLine.Model.CommandSpec root) {
        return root.subcommands().containsKey("proxy");
    }

    /**
     * The harness's arguments: every option that was set, {@code --out dir}, and {@code --sluice
     * launcher} when Sluice can be measured ({@code launcher} null otherwise).
     */
    List<String> harnessArguments(Path launcher, Path dir) {
        List<String> args = new ArrayList<>();
        if (threads != null && !threads.isEmpty()) {
            args.add("--threads");
            args.add(String.join(",", threads.stream().map(String::valueOf).toList()));
        }
        add(args, "--rounds", rounds);
        add(args, "--duration", duration);
        add(args, "--warmup", warmup);
        if (connections != null && !connections.isEmpty()) {
            args.add("--connections");
            args.add(String.join(",", connections.stream().map(String::valueOf).toList()));
        }
        add(args, "--cold", cold);
        add(args, "--transport", transport);
        add(args, "--kafka", kafka);
        add(args, "--wrk-threads", wrkThreads);
        if (quick) {
            args.add("--quick");
        }
        if (noInstall) {
            args.add("--no-install");
        }
        args.add("--out");
        args.add(dir.toString());
        if (launcher != null) {
            args.add("--sluice");
            args.add(launcher.toString());
        }
        return args;
    }

    private static void add(List<String> args, String option, Object value) {
        if (value != null) {
            args.add(option);
            args.add(value.toString());
        }
    }
}
