package io.sluice.benchmarks.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * One run's results as {@code proxy-bench.json} (schema {@value #SCHEMA}, fields documented in
 * {@code benchmarks/proxy/README.md}) and as {@code summary.md}. Numbers that could not be measured
 * are JSON {@code null}.
 */
final class ResultsFile {
    static final String SCHEMA = "sluice-proxy-bench/2";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter LOCAL_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private final ProxyBenchOptions options;
    private final Map<String, String> versions;
    private final List<Target> targets;
    private final Instant started;
    private final Instant finished;
    private final List<Run> runs;
    private final List<Comparison> comparisons;
    private final List<Comparison> cold;
    private final String sluiceTransport;

    /**
     * @param comparisons     one per thread count and connection count, over the measured rounds
     * @param cold            one per thread count: the run right after each proxy started
     * @param sluiceTransport the transport Sluice reported at start, or null
     */
    ResultsFile(ProxyBenchOptions options, Map<String, String> versions, List<Target> targets, Instant started,
                Instant finished, List<Run> runs, List<Comparison> comparisons, List<Comparison> cold,
                String sluiceTransport) {
        this.options = options;
        this.versions = Map.copyOf(versions);
        this.targets = List.copyOf(targets);
        this.started = started;
        this.finished = finished;
        this.runs = List.copyOf(runs);
        this.comparisons = List.copyOf(comparisons);
        this.cold = List.copyOf(cold);
        this.sluiceTransport = sluiceTransport;
    }

    ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("startedAt", started.toString());
        root.put("finishedAt", finished.toString());
        ObjectNode machine = root.putObject("machine");
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("java", System.getProperty("java.version"));
        ObjectNode tools = root.putObject("versions");
        versions.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> tools.put(e.getKey(), e.getValue()));

        ObjectNode settings = root.putObject("settings");
        ArrayNode threads = settings.putArray("threads");
        options.threads().forEach(threads::add);
        settings.put("rounds", options.rounds());
        settings.put("durationSeconds", options.durationSeconds());
        settings.put("warmupSeconds", options.warmupSeconds());
        ArrayNode connections = settings.putArray("connections");
        options.connections().forEach(connections::add);
        settings.put("coldSeconds", options.coldSeconds());
        settings.put("transport", options.transport());
        settings.put("kafka", options.kafka() != null);
        settings.put("wrkThreads", options.wrkThreads());
        settings.put("quick", options.quick());
        settings.put("backends", ProxyBench.BACKENDS);
        settings.put("strategy", SluiceConfig.STRATEGY);
        ArrayNode order = settings.putArray("targets");
        targets.forEach(t -> order.add(t.key()));
        ObjectNode sluice = root.putObject("sluice");
        sluice.put("measured", options.sluice() != null);
        if (options.sluice() == null) {
            sluice.put("note", "`./sluice proxy` is not available in this build");
        } else {
            sluice.putNull("note");
        }
        if (sluiceTransport == null) {
            sluice.putNull("transport");
        } else {
            sluice.put("transport", sluiceTransport);
        }

        addMatrices(root.putArray("matrices"), comparisons, false);
        addMatrices(root.putArray("coldStart"), cold, true);
        return root;
    }

    private void addMatrices(ArrayNode matrices, List<Comparison> list, boolean coldRuns) {
        for (Comparison comparison : list) {
            ObjectNode matrix = matrices.addObject();
            matrix.put("threads", comparison.threads());
            matrix.put("connections", comparison.connections());
            ArrayNode raw = matrix.putArray("runs");
            runs.stream().filter(r -> r.threads() == comparison.threads() && r.connections() == comparison.connections()
                    && (r.round() == Run.COLD) == coldRuns).forEach(r -> addRun(raw, r));
            ArrayNode medians = matrix.putArray("medians");
            for (Comparison.Row row : comparison.rows()) {
                ObjectNode m = medians.addObject();
                m.put("target", row.target().key());
                m.put("rounds", row.rounds());
                number(m, "requestsPerSecond", row.requestsPerSecond());
                number(m, "p50Micros", row.p50Micros());
                number(m, "p99Micros", row.p99Micros());
                number(m, "cpuMicrosPerRequest", row.cpuMicrosPerRequest());
                m.put("errors", row.errors());
                number(m, "requestsPerSecondVsHaproxy", row.requestsPerSecondVsHaproxy());
                number(m, "p99VsHaproxy", row.p99VsHaproxy());
                if (row.failure() == null) {
                    m.putNull("failure");
                } else {
                    m.put("failure", row.failure());
                }
            }
            ObjectNode versus = matrix.putObject("sluiceVsHaproxy");
            number(versus, "requestsPerSecondRatio", comparison.sluiceRequestsPerSecondRatio());
            number(versus, "p99Ratio", comparison.sluiceP99Ratio());
            versus.put("verdict", comparison.verdict().text());
            ArrayNode perRound = versus.putArray("rounds");
            for (Comparison.RoundRatio ratio : comparison.roundRatios()) {
                ObjectNode r = perRound.addObject();
                r.put("round", ratio.round());
                number(r, "requestsPerSecondRatio", ratio.requestsPerSecond());
                number(r, "p99Ratio", ratio.p99());
            }
            if (comparison.row(Target.SLUICE_KAFKA) != null) {
                ObjectNode kafka = matrix.putObject("sluiceKafkaVsStatic");
                number(kafka, "requestsPerSecondRatio", comparison.kafkaRequestsPerSecondRatio());
                kafka.put("summary", comparison.kafkaLine());
            }
        }
    }

    private static void addRun(ArrayNode array, Run run) {
        WrkResult w = run.wrk();
        ObjectNode r = array.addObject();
        r.put("round", run.round());
        r.put("target", run.target().key());
        r.put("requestsPerSecond", w.requestsPerSecond());
        r.put("requests", w.requests());
        ObjectNode latency = r.putObject("latencyMicros");
        number(latency, "p50", w.p50Micros());
        number(latency, "p75", w.p75Micros());
        number(latency, "p90", w.p90Micros());
        number(latency, "p99", w.p99Micros());
        ObjectNode errors = r.putObject("errors");
        errors.put("connect", w.connectErrors());
        errors.put("read", w.readErrors());
        errors.put("write", w.writeErrors());
        errors.put("timeout", w.timeouts());
        errors.put("non2xx", w.non2xx());
        number(r, "cpuMicrosPerRequest", run.cpuMicrosPerRequest());
    }

    private static void number(ObjectNode node, String field, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    void write(Path file) {
        try {
            JSON.writeValue(file.toFile(), toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    String summaryMarkdown() {
        StringBuilder md = new StringBuilder()
                .append("# Proxies side by side: Sluice, HAProxy, NGINX\n\n")
                .append("Measured ").append(LOCAL_TIME.format(started)).append(" by `sluice bench proxy`")
                .append(options.quick() ? " (quick profile: rough numbers)" : "").append(": ")
                .append(options.rounds()).append(options.rounds() == 1 ? " round" : " interleaved rounds")
                .append(" of `wrk -t").append(options.wrkThreads()).append(" -c")
                .append(String.join("|", options.connections().stream().map(String::valueOf).toList()))
                .append(" -d").append(options.durationSeconds()).append("s --latency` per target after a ")
                .append(options.warmupSeconds()).append(" s warm-up; ")
                .append(Runtime.getRuntime().availableProcessors()).append(" CPUs; ")
                .append(versions.getOrDefault("haproxy", "?")).append("; ")
                .append(versions.getOrDefault("nginx", "?")).append("; ")
                .append(versions.getOrDefault("wrk", "?")).append(".\n\n")
                .append("Every proxy runs the same number of worker threads (Sluice `workers`, HAProxy `nbthread`,")
                .append(" NGINX `worker_processes`), keeps connections alive on both sides and balances round robin")
                .append(" over the same ").append(ProxyBench.BACKENDS).append(" backends (single-worker NGINX")
                .append(" instances answering a fixed body). `direct` is wrk against backend b1 with no proxy.")
                .append(" Figures are medians over the rounds; CPU/req is the CPU time the target's own processes")
                .append(" used per request; errors count socket errors, timeouts and non-2xx answers (`!`).")
                .append(" wrk is closed-loop: its percentiles are not corrected for coordinated omission.\n\n");
        if (options.sluice() == null) {
            md.append("**Sluice was not measured**: `./sluice proxy` is not available in this build.\n\n");
        }
        if (sluiceTransport != null) {
            md.append("Sluice ran on the ").append(sluiceTransport).append(" transport (`--transport ")
                    .append(options.transport()).append("`).\n\n");
        }
        for (Comparison comparison : comparisons) {
            md.append("## ").append(comparison.threads()).append(comparison.threads() == 1 ? " thread" : " threads")
                    .append(", ").append(comparison.connections()).append(" connections\n\n")
                    .append(comparison.toMarkdown()).append('\n');
        }
        for (Comparison comparison : cold) {
            md.append("## First ").append(options.coldSeconds()).append(" s after start (JIT warm-up), ")
                    .append(comparison.threads()).append(comparison.threads() == 1 ? " thread" : " threads")
                    .append(", ").append(comparison.connections()).append(" connections\n\n")
                    .append("One run per proxy, right after it started and answered its first probes.\n\n")
                    .append(comparison.toMarkdown()).append('\n');
        }
        md.append(ProxyBench.NOISE_NOTE).append('\n')
                .append("\nRaw numbers per round: `proxy-bench.json`; wrk outputs: `wrk/`; generated configs:")
                .append(" `configs/`; server logs: `logs/`.\n");
        return md.toString();
    }
}
