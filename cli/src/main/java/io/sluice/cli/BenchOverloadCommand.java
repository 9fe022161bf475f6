package io.sluice.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice bench overload}: a per-client rate limit at 10x overload through Sluice, HAProxy and
 * NGINX, and the cost of Sluice's filter chain, run by {@code io.sluice.benchmarks.proxy.OverloadBench}
 * from the benchmarks jar in a child JVM (see {@code benchmarks/proxy/README.md}). Unset options keep
 * the harness's defaults, written in their descriptions.
 */
@Command(name = "overload", mixinStandardHelpOptions = true,
        description = {
                "Rate limiting under 10x overload: Sluice (rate-limits), HAProxy (stick-table, sc_http_req_rate) and"
                        + " NGINX (limit_req), each with the same per-client limit; admitted rate vs the limit and the"
                        + " p99 of a client under its limit, alone and during the flood. Then Sluice's requests/s with"
                        + " N filter rules against none.",
                "Uses wrk, as bench proxy does; installs haproxy, nginx and wrk with apt-get if missing. Only"
                        + " 127.0.0.1 is used. Writes summary.md to the output directory."})
final class BenchOverloadCommand implements Callable<Integer> {
    static final String MAIN_CLASS = "io.sluice.benchmarks.proxy.OverloadBench";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--rate", paramLabel = "R", description = "The limit per client, requests/s"
            + " (default: 1000).")
    Integer rate;

    @CommandLine.Option(names = "--overload", paramLabel = "X", description = "The flood offers X times the limit"
            + " (default: 10).")
    Integer overload;

    @CommandLine.Option(names = "--burst", paramLabel = "B", description = "Burst of Sluice's and NGINX's limits"
            + " (default: 100).")
    Integer burst;

    @CommandLine.Option(names = "--duration", paramLabel = "TIME", description = "Length of each run, e.g. 10s"
            + " (default: 10s; 2s with --quick).")
    String duration;

    @CommandLine.Option(names = "--threads", paramLabel = "N", description = "Worker threads of every proxy"
            + " (default: 1).")
    Integer threads;

    @CommandLine.Option(names = "--rounds", paramLabel = "R", description = "Rounds per target; figures are"
            + " medians (default: 3; 1 with --quick).")
    Integer rounds;

    @CommandLine.Option(names = "--filter-rules", paramLabel = "N", description = "Filter rules in the filter-cost"
            + " runs (default: 20).")
    Integer filterRules;

    @CommandLine.Option(names = "--out", paramLabel = "DIR",
            description = "Output directory (default: results/overload-bench-<yyyyMMdd-HHmmss>).")
    Path out;

    @CommandLine.Option(names = "--quick", description = "Smoke-test profile: 2 s runs, 1 round.")
    boolean quick;

    @CommandLine.Option(names = "--no-install", description = "Fail instead of installing missing haproxy, nginx or"
            + " wrk with apt-get.")
    boolean noInstall;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        BenchmarksJar jar = BenchmarksJar.fromLauncher();
        Path launcher = jar.home().resolve("sluice");
        boolean sluiceAvailable = BenchProxyCommand.hasProxyCommand(spec.root());
        if (!sluiceAvailable) {
            err.println("sluice: `./sluice proxy` is not available in this build, so Sluice is not measured.");
        }
        jar.buildIfStale(err);
        err.flush();
        Path dir = (out != null ? out : BenchCommand.defaultOutDir("overload-bench")).toAbsolutePath().normalize();
        int exit = jar.runMain(MAIN_CLASS, harnessArguments(sluiceAvailable ? launcher : null, dir));
        if (exit != 0) {
            err.println("sluice: the overload benchmark failed (exit " + exit + "); see above");
            err.flush();
        }
        return exit;
    }

    /** Every option that was set, {@code --out dir}, and {@code --sluice launcher} when Sluice is measured. */
    List<String> harnessArguments(Path launcher, Path dir) {
        List<String> args = new ArrayList<>();
        add(args, "--rate", rate);
        add(args, "--overload", overload);
        add(args, "--burst", burst);
        add(args, "--duration", duration);
        add(args, "--threads", threads);
        add(args, "--rounds", rounds);
        add(args, "--filter-rules", filterRules);
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
