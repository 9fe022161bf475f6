package io.sluice.benchmarks.proxy;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings of one benchmark run, from the command line of {@link ProxyBench}.
 *
 * @param threads         worker threads for every proxy, one matrix per count, in order (default 1,2)
 * @param rounds          measured rounds per target and thread count; the figures are their medians
 * @param durationSeconds length of each measured wrk run
 * @param warmupSeconds   length of the warm-up run per target before the first round (JIT, pools)
 * @param coldSeconds     length of the run taken right after each proxy started, reported apart as
 *                        its first seconds (JIT warm-up); 0 for none
 * @param connections     wrk connections, the same for every target; one matrix per count (default 64,256)
 * @param wrkThreads      wrk's own threads
 * @param out             where the JSON and summary.md go
 * @param sluice          the {@code sluice} launcher, or null when {@code sluice proxy} is not available
 * @param install         whether missing haproxy/nginx/wrk may be installed with apt-get
 * @param quick           whether the quick (smoke) profile supplied the defaults
 * @param transport       Sluice's socket transport ({@code -Dsluice.transport}): auto, epoll, io_uring or nio
 * @param kafka           a Kafka broker's bootstrap servers: Sluice runs with its control plane fed from it
 *                        (membership both, the load view every 100 ms, metrics every second); null: static
 */
record ProxyBenchOptions(List<Integer> threads, int rounds, int durationSeconds, int warmupSeconds, int coldSeconds,
                         List<Integer> connections, int wrkThreads, Path out, Path sluice, boolean install,
                         boolean quick, String transport, String kafka) {
    /** The values {@code --transport} takes. */
    static final List<String> TRANSPORTS = List.of("auto", "epoll", "io_uring", "nio");

    static final String USAGE = """
            usage: ProxyBench [--threads 1,2] [--connections 64,256] [--rounds 3] [--duration 10s] [--warmup 5s]
                              [--cold 10s] [--transport auto|epoll|io_uring|nio] [--wrk-threads 1] [--out DIR]
                              [--sluice PATH] [--no-install] [--quick] [--kafka HOST:PORT]
              --cold       a run right after each proxy starts, reported apart (its first seconds); 0s for none
              --transport  Sluice's socket transport (-Dsluice.transport); the output says which ran
              --kafka      run Sluice with its Kafka control plane on this broker (compare with a run without)
              --quick      smoke profile: 2 s runs, 1 s warm-up, 2 s cold run (explicit options still win)
              --sluice     the ./sluice launcher; without it Sluice is not measured
              --no-install fail instead of apt-get installing missing haproxy, nginx or wrk""";

    private static final Pattern DURATION = Pattern.compile("(\\d+)(s|m)?");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    ProxyBenchOptions {
        threads = List.copyOf(threads);
        connections = List.copyOf(connections);
        if (connections.isEmpty()) {
            throw new IllegalArgumentException("--connections needs at least one count");
        }
        if (!TRANSPORTS.contains(transport)) {
            throw new IllegalArgumentException("--transport must be one of " + String.join(", ", TRANSPORTS) + ", not '"
                    + transport + "'");
        }
        if (threads.isEmpty()) {
            throw new IllegalArgumentException("--threads needs at least one count");
        }
        for (int t : threads) {
            requireRange("--threads", t, 1, 64);
        }
        requireRange("--rounds", rounds, 1, 100);
        requireRange("--duration", durationSeconds, 1, 3600);
        requireRange("--warmup", warmupSeconds, 0, 3600);
        requireRange("--cold", coldSeconds, 0, 3600);
        for (int c : connections) {
            requireRange("--connections", c, 1, 10_000);
        }
        requireRange("--wrk-threads", wrkThreads, 1, 64);
        int fewest = connections.stream().mapToInt(Integer::intValue).min().orElseThrow();
        if (wrkThreads > fewest) {
            throw new IllegalArgumentException("--wrk-threads " + wrkThreads + " exceeds --connections " + fewest
                    + " (each wrk thread needs a connection)");
        }
    }

    /**
     * Parses {@code --name value} and {@code --name=value} options.
     *
     * @throws IllegalArgumentException naming the option and what it accepts
     */
    static ProxyBenchOptions parse(String... args) {
        List<Integer> threads = null;
        Integer rounds = null;
        Integer duration = null;
        Integer warmup = null;
        List<Integer> connections = null;
        Integer cold = null;
        String transport = null;
        String kafka = null;
        Integer wrkThreads = null;
        Path out = null;
        Path sluice = null;
        boolean install = true;
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "--quick" -> quick = true;
                case "--no-install" -> install = false;
                case "--threads", "--rounds", "--duration", "--warmup", "--cold", "--transport", "--connections",
                        "--wrk-threads", "--out", "--kafka",
                        "--sluice" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(name + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (name) {
                        case "--threads" -> threads = threadCounts(value);
                        case "--rounds" -> rounds = integer(name, value);
                        case "--duration" -> duration = seconds(name, value);
                        case "--warmup" -> warmup = seconds(name, value);
                        case "--connections" -> connections = counts("--connections", value);
                        case "--cold" -> cold = seconds(name, value);
                        case "--transport" -> transport = value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
                        case "--wrk-threads" -> wrkThreads = integer(name, value);
                        case "--out" -> out = Path.of(value);
                        case "--kafka" -> kafka = value.trim();
                        default -> sluice = Path.of(value);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'\n" + USAGE);
            }
        }
        return new ProxyBenchOptions(
                threads != null ? threads : List.of(1, 2),
                rounds != null ? rounds : 3,
                duration != null ? duration : (quick ? 2 : 10),
                warmup != null ? warmup : (quick ? 1 : 5),
                cold != null ? cold : (quick ? 2 : 10),
                connections != null ? connections : List.of(64, 256),
                wrkThreads != null ? wrkThreads : 1,
                out != null ? out : Path.of("results", "proxy-bench-" + LocalDateTime.now().format(STAMP)),
                sluice, install, quick, transport != null ? transport : "auto", kafka);
    }

    /** {@code 1,2} -> [1, 2]; duplicates dropped, order kept. */
    static List<Integer> threadCounts(String value) {
        return counts("--threads", value);
    }

    /** A comma-separated list of whole numbers; duplicates dropped, order kept. */
    static List<Integer> counts(String option, String value) {
        Set<Integer> counts = new LinkedHashSet<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                counts.add(integer(option, part.trim()));
            }
        }
        return new ArrayList<>(counts);
    }

    /** {@code 10}, {@code 10s} or {@code 2m} in whole seconds, as wrk's {@code -d} takes them. */
    static int seconds(String option, String value) {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(option + " takes whole seconds such as 10s or 2m, not '" + value + "'");
        }
        long n = Long.parseLong(m.group(1)) * ("m".equals(m.group(2)) ? 60 : 1);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(option + " '" + value + "' is too long");
        }
        return (int) n;
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a whole number, not '" + value + "'", e);
        }
    }

    private static void requireRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", not " + value);
        }
    }
}
