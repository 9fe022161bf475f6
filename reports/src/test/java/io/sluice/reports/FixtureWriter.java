package io.sluice.reports;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * Writes the simulator-results fixtures in {@code src/test/resources/io/sluice/reports/} (not a
 * test; run its {@code main} from the module folder to regenerate them). Each run's latencies are
 * drawn from a seeded log-normal distribution (median m, shape s: p99 = m * exp(2.326 s)),
 * recorded into an HdrHistogram, and every summary number, percentile and per-interval value is
 * computed from those samples, so a fixture is internally consistent the way the simulator's
 * output is. The numbers the tests assert were read off the written files.
 */
public final class FixtureWriter {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final double Z99 = 2.326;

    record BackendSpec(String id, String zone, double speed, int servers) {
    }

    /** A backend that stops serving from {@code from} to {@code to} seconds. */
    record Outage(String backend, double from, double to, long burstErrors, double[] burstShape, double slowdown) {
    }

    record RunSpec(String strategy, String spec, Double sweepValue, long requests, double medianMs, double p99Ms,
                   double errorRate, double timeoutRate, double rejectionRate, double[] utilisation,
                   double hitRate, Outage outage) {
    }

    record ScenarioSpec(String name, String description, double duration, double warmup, double interval,
                        String workload, Double offeredRate, List<BackendSpec> backends, String backendsDescription,
                        ObjectNode sweep, String yaml) {
    }

    private FixtureWriter() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/io/sluice/reports");
        Files.createDirectories(dir);
        write(dir.resolve("normal.json"), normal());
        write(dir.resolve("outage.json"), outage());
        write(dir.resolve("sweep.json"), sweep());
    }

    private static List<BackendSpec> backends(int n) {
        List<BackendSpec> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new BackendSpec("b" + i, i % 2 == 0 ? "zone-a" : "zone-b", 1.0, 4));
        }
        return list;
    }

    static ObjectNode normal() {
        ScenarioSpec sc = new ScenarioSpec("campus-steady",
                "Steady uplink traffic from a campus LoRaWAN fleet against five equal backends.",
                600, 30, 10, "poisson 50/s, 2000 devices", 50.0, backends(5),
                "5 backends, 4 servers each, lognormal service mean 15ms cv 1.0", null,
                "name: campus-steady\nseed: 42\nworkload: {kind: poisson, rate: 50, devices: 2000}\n"
                        + "backends: {count: 5, servers: 4}\nstrategies: [round-robin, random, least-connections,"
                        + " p2c-peak-ewma, prequal]\n");
        List<RunSpec> runs = List.of(
                new RunSpec("round-robin", "round-robin", null, 30000, 18, 310, 0.0004, 0.0001, 0,
                        new double[] {0.61, 0.60, 0.62, 0.61, 0.60}, 0.2, null),
                new RunSpec("random", "random", null, 30000, 20, 420, 0.0005, 0.0001, 0,
                        new double[] {0.72, 0.50, 0.66, 0.55, 0.61}, 0.2, null),
                new RunSpec("least-connections", "least-connections", null, 30000, 11, 95, 0.001, 0.0, 0.02,
                        new double[] {0.58, 0.63, 0.60, 0.62, 0.61}, 0.2, null),
                new RunSpec("p2c-peak-ewma", "p2c-peak-ewma +slow-start{window=30s}", null, 30000, 14, 120, 0.0002,
                        0.0001, 0, new double[] {0.64, 0.57, 0.62, 0.58, 0.63}, 0.21, null),
                new RunSpec("prequal", "prequal{probes=3}", null, 30000, 15.2, 121.5, 0.0003, 0.00005, 0,
                        new double[] {0.60, 0.61, 0.61, 0.60, 0.62}, 0.2, null));
        return document(sc, runs, 42);
    }

    static ObjectNode outage() {
        ScenarioSpec sc = new ScenarioSpec("b2-crash",
                "Backend b2 crashes 200 s into the measured window and comes back at 320 s.",
                600, 30, 10, "poisson 50/s, 2000 devices", 50.0, backends(4),
                "4 backends, 4 servers each, lognormal service mean 15ms cv 1.0; b2 down from 200s to 320s", null,
                "name: b2-crash\nseed: 7\nworkload: {kind: poisson, rate: 50}\nbackends: {count: 4}\n"
                        + "faults: [{backend: b2, crash: 200s, recover: 320s}]\n");
        double[] util = {0.55, 0.56, 0.55, 0.54};
        List<RunSpec> runs = List.of(
                new RunSpec("round-robin", "round-robin", null, 30000, 16, 200, 0.0002, 0, 0, util, 0.25,
                        new Outage("b2", 200, 320, 900, new double[] {0.6, 0.3, 0.1}, 1.8)),
                new RunSpec("least-connections", "least-connections", null, 30000, 15, 180, 0.0002, 0, 0, util, 0.25,
                        new Outage("b2", 200, 320, 2400, new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 1.3)),
                new RunSpec("p2c-peak-ewma", "p2c-peak-ewma", null, 30000, 14, 150, 0.0002, 0, 0, util, 0.25,
                        new Outage("b2", 200, 320, 150, new double[] {0.8, 0.2}, 1.4)));
        return document(sc, runs, 7);
    }

    static ObjectNode sweep() {
        ObjectNode sweep = F.objectNode();
        sweep.put("parameter", "load");
        sweep.putArray("values").add(0.5).add(0.7).add(0.9);
        ScenarioSpec sc = new ScenarioSpec("load-sweep",
                "The steady campus workload at half, 70 % and 90 % of the fleet's capacity.",
                300, 20, 15, "poisson at load x 100/s", 100.0, backends(3),
                "3 backends, 4 servers each, lognormal service mean 20ms cv 1.0", sweep,
                "name: load-sweep\nsweep: {parameter: load, values: [0.5, 0.7, 0.9]}\n");
        List<RunSpec> runs = new ArrayList<>();
        double[][] p99 = {{60, 140, 900}, {64, 96, 260}, {66, 90, 200}};
        double[][] median = {{9, 14, 40}, {9.5, 13, 26}, {10, 13, 24}};
        String[] names = {"round-robin", "p2c-least-request", "p2c-peak-ewma"};
        double[] values = {0.5, 0.7, 0.9};
        for (int s = 0; s < names.length; s++) {
            for (int v = 0; v < values.length; v++) {
                double u = values[v];
                runs.add(new RunSpec(names[s], names[s], values[v], (long) (u * 100 * 300), median[s][v], p99[s][v],
                        0.0002 * (v + 1), 0.0001 * v, 0, new double[] {u, u * 0.98, u * 1.01}, 0.33, null));
            }
        }
        return document(sc, runs, 11);
    }

    private static ObjectNode document(ScenarioSpec sc, List<RunSpec> runs, long seed) {
        ObjectNode root = F.objectNode();
        root.put("schema", "sluice.simulation-results");
        root.put("schemaVersion", 1);
        ObjectNode s = root.putObject("scenario");
        s.put("name", sc.name());
        s.put("description", sc.description());
        s.put("source", "scenarios/" + sc.name() + ".yaml");
        s.put("seed", seed);
        s.put("durationSeconds", sc.duration());
        s.put("warmupSeconds", sc.warmup());
        s.put("workload", sc.workload());
        if (sc.offeredRate() == null) {
            s.putNull("offeredRatePerSecond");
        } else {
            s.put("offeredRatePerSecond", sc.offeredRate());
        }
        ObjectNode b = s.putObject("backends");
        b.put("count", sc.backends().size());
        b.put("description", sc.backendsDescription());
        s.put("loadBalancers", 1);
        s.put("yaml", sc.yaml());
        if (sc.sweep() == null) {
            root.putNull("sweep");
        } else {
            root.set("sweep", sc.sweep());
        }
        ArrayNode array = root.putArray("runs");
        long runSeed = seed;
        for (RunSpec r : runs) {
            array.add(run(sc, r, seed, new SplittableRandom(runSeed++ * 7919)));
        }
        return root;
    }

    private static ObjectNode run(ScenarioSpec sc, RunSpec r, long seed, SplittableRandom random) {
        int intervals = (int) Math.round(sc.duration() / sc.interval());
        double sigma = Math.log(r.p99Ms() / r.medianMs()) / Z99;
        long errors = Math.round(r.requests() * r.errorRate());
        long timeouts = Math.round(r.requests() * r.timeoutRate());
        long rejections = Math.round(r.requests() * r.rejectionRate());
        Outage outage = r.outage();
        long burst = outage == null ? 0 : outage.burstErrors();
        errors += burst;
        long completed = r.requests() - errors - timeouts - rejections;

        Histogram all = new Histogram(3);
        Histogram[] per = new Histogram[intervals];
        long[] perErrors = new long[intervals];
        for (int i = 0; i < intervals; i++) {
            per[i] = new Histogram(3);
        }
        for (long n = 0; n < completed; n++) {
            double t = random.nextDouble() * sc.duration();
            int i = Math.min(intervals - 1, (int) (t / sc.interval()));
            double ms = r.medianMs() * Math.exp(sigma * gaussian(random));
            if (outage != null && t >= outage.from() && t < outage.to()) {
                ms *= outage.slowdown();
            }
            long us = Math.max(1, Math.round(ms * 1000));
            all.recordValue(us);
            per[i].recordValue(us);
        }
        for (long n = 0; n < errors - burst; n++) {
            perErrors[random.nextInt(intervals)]++;
        }
        if (outage != null) {
            int first = (int) (outage.from() / sc.interval());
            double total = 0;
            for (double w : outage.burstShape()) {
                total += w;
            }
            long left = burst;
            for (int k = 0; k < outage.burstShape().length; k++) {
                long share = k == outage.burstShape().length - 1 ? left
                        : Math.round(burst * outage.burstShape()[k] / total);
                perErrors[first + k] += share;
                left -= share;
            }
        }

        ObjectNode run = F.objectNode();
        run.put("strategy", r.strategy());
        run.put("spec", r.spec());
        if (r.sweepValue() == null) {
            run.putNull("sweepValue");
        } else {
            run.put("sweepValue", r.sweepValue());
        }
        run.put("seed", seed);
        ObjectNode summary = run.putObject("summary");
        summary.put("requests", r.requests());
        summary.put("completed", completed);
        summary.put("errors", errors);
        summary.put("timeouts", timeouts);
        summary.put("rejections", rejections);
        summary.put("retries", errors / 2);
        summary.put("throughputPerSecond", round(completed / sc.duration(), 1));
        summary.put("errorRate", round((double) errors / r.requests(), 6));
        summary.put("timeoutRate", round((double) timeouts / r.requests(), 6));
        summary.put("rejectionRate", round((double) rejections / r.requests(), 6));
        ObjectNode latency = summary.putObject("latencyMs");
        latency.put("mean", ms(all.getMean()));
        latency.put("p50", ms(all.getValueAtPercentile(50)));
        latency.put("p90", ms(all.getValueAtPercentile(90)));
        latency.put("p99", ms(all.getValueAtPercentile(99)));
        latency.put("p999", ms(all.getValueAtPercentile(99.9)));
        latency.put("max", ms(all.getMaxValue()));

        int n = sc.backends().size();
        double[][] util = new double[n][intervals];
        double[] mean = new double[n];
        for (int i = 0; i < intervals; i++) {
            double t = i * sc.interval();
            boolean down = outage != null && t >= outage.from() && t < outage.to();
            for (int k = 0; k < n; k++) {
                String id = sc.backends().get(k).id();
                double u = r.utilisation()[k] * (1 + 0.06 * (random.nextDouble() - 0.5));
                if (down) {
                    u = id.equals(outage.backend()) ? 0 : u * n / (n - 1.0);
                }
                util[k][i] = round(Math.min(1, u), 3);
                mean[k] += util[k][i] / intervals;
            }
        }
        double sum = 0;
        double sumSq = 0;
        for (double m : mean) {
            sum += m;
            sumSq += m * m;
        }
        ObjectNode fairness = summary.putObject("fairness");
        fairness.put("jainUtilisation", round(sum * sum / (n * sumSq), 4));
        long[] requests = new long[n];
        long assigned = 0;
        for (int k = 0; k < n; k++) {
            requests[k] = k == n - 1 ? r.requests() - assigned : Math.round(r.requests() * mean[k] / sum);
            assigned += requests[k];
        }
        long maxRequests = 0;
        for (long q : requests) {
            maxRequests = Math.max(maxRequests, q);
        }
        fairness.put("maxOverMeanLoad", round(maxRequests / ((double) r.requests() / n), 4));
        ObjectNode affinity = summary.putObject("affinity");
        affinity.put("hitRate", r.hitRate());
        affinity.put("sessionsMoved", outage == null ? 0 : 480);

        ObjectNode histogram = run.putObject("latencyHistogram");
        histogram.put("unit", "us");
        histogram.put("encoding", "hdrhistogram-v2-compressed-base64");
        ByteBuffer buffer = ByteBuffer.allocate(all.getNeededByteBufferCapacity());
        int length = all.encodeIntoCompressedByteBuffer(buffer);
        histogram.put("data", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length)));
        ArrayNode percentiles = histogram.putArray("percentiles");
        for (double p : new double[] {0, 50, 90, 99, 99.9, 99.99, 100}) {
            ObjectNode e = percentiles.addObject();
            e.put("percentile", p);
            e.put("valueMs", ms(p == 0 ? all.getMinValue() : p == 100 ? all.getMaxValue() : all.getValueAtPercentile(p)));
        }

        ArrayNode backends = run.putArray("backends");
        for (int k = 0; k < n; k++) {
            BackendSpec spec = sc.backends().get(k);
            ObjectNode e = backends.addObject();
            e.put("id", spec.id());
            e.put("zone", spec.zone());
            e.put("speed", spec.speed());
            e.put("servers", spec.servers());
            e.put("requests", requests[k]);
            e.put("errors", outage != null && spec.id().equals(outage.backend()) ? burst : (errors - burst) / n);
            e.put("utilisation", round(mean[k], 4));
            e.put("meanLatencyMs", round(all.getMean() / 1000 * (0.9 + 0.2 * mean[k] / (sum / n) - 0.1), 3));
        }

        ObjectNode series = run.putObject("timeSeries");
        series.put("intervalSeconds", sc.interval());
        ArrayNode start = series.putArray("startSeconds");
        ArrayNode throughput = series.putArray("throughputPerSecond");
        ArrayNode meanLatency = series.putArray("meanLatencyMs");
        ArrayNode p99 = series.putArray("p99LatencyMs");
        ArrayNode errorSeries = series.putArray("errors");
        for (int i = 0; i < intervals; i++) {
            start.add(i * sc.interval());
            throughput.add(round(per[i].getTotalCount() / sc.interval(), 1));
            if (per[i].getTotalCount() == 0) {
                meanLatency.addNull();
                p99.addNull();
            } else {
                meanLatency.add(ms(per[i].getMean()));
                p99.add(ms(per[i].getValueAtPercentile(99)));
            }
            errorSeries.add(perErrors[i]);
        }
        ObjectNode byBackend = series.putObject("backendUtilisation");
        for (int k = 0; k < n; k++) {
            ArrayNode values = byBackend.putArray(sc.backends().get(k).id());
            for (int i = 0; i < intervals; i++) {
                values.add(util[k][i]);
            }
        }
        return run;
    }

    /** Box-Muller: one standard normal value from two uniform ones. */
    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private static double ms(double micros) {
        return round(micros / 1000, 3);
    }

    private static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }

    private static void write(Path file, ObjectNode doc) throws IOException {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withArrayIndenter(DefaultPrettyPrinter.FixedSpaceIndenter.instance);
        String json = new ObjectMapper().writer(printer).writeValueAsString(doc);
        Files.writeString(file, json + "\n");
    }
}
