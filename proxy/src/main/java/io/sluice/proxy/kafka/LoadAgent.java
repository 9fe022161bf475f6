package io.sluice.proxy.kafka;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./sluice agent}: runs beside one backend and publishes its load on the load topic, as a Node
 * Manager would (HAProxy's agent-check, pushed instead of polled). The load comes from /proc (the
 * machine's CPU busy fraction, and the connections established to the backend's port as its queue)
 * or from a local URL that answers a number in [0, 1] or a JSON object with {@code utilisation}.
 * With {@code join}, it also announces the backend on the membership topic at start and withdraws it
 * at stop.
 *
 * <p>Not thread-safe: {@link #run} on one thread, {@link #stop} from any.
 */
public final class LoadAgent {
    /** What to publish and where. {@code url} null means /proc. */
    public record Settings(String bootstrapServers, Map<String, String> properties, String loadTopic,
                           String membershipTopic, String cluster, String backend, String address, int port,
                           String url, long intervalMillis, boolean join) {
        public Settings {
            Objects.requireNonNull(bootstrapServers, "bootstrap servers");
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(backend, "backend");
            if (intervalMillis < 10) {
                throw new IllegalArgumentException("interval must be at least 10ms, got " + intervalMillis + "ms");
            }
            if (join && address == null) {
                throw new IllegalArgumentException("--join needs --address host:port (what the proxy connects to)");
            }
        }
    }

    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private volatile boolean running = true;
    private long[] lastCpu;
    private long published;

    public LoadAgent(Settings settings) {
        this.settings = settings;
    }

    /** Reports until {@link #stop}; @return how many reports were published. */
    public long run() throws InterruptedException {
        Properties p = new Properties();
        p.putAll(settings.properties());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        String key = settings.cluster() + "/" + settings.backend();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            if (settings.join()) {
                producer.send(new ProducerRecord<>(settings.membershipTopic(), key, membership("join")));
            }
            while (running) {
                long next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.intervalMillis());
                double utilisation;
                try {
                    utilisation = sample();
                } catch (IOException | RuntimeException e) {
                    System.err.println("sluice agent: cannot read the load (" + e.getMessage() + "); skipping");
                    utilisation = Double.NaN;
                }
                if (!Double.isNaN(utilisation)) {
                    Integer queue = settings.port() > 0 ? ProcSignals.establishedTo(settings.port()) : null;
                    var report = new ControlMessages.LoadReport(ControlMessages.VERSION, settings.cluster(),
                            settings.backend(), utilisation, queue, null, System.currentTimeMillis(), "sluice-agent");
                    try {
                        producer.send(new ProducerRecord<>(settings.loadTopic(), key,
                                new String(ControlMessages.write(report), java.nio.charset.StandardCharsets.UTF_8)));
                        published++;
                    } catch (RuntimeException e) {
                        System.err.println("sluice agent: cannot publish (" + e.getMessage() + "); will retry");
                    }
                }
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            if (settings.join()) {
                producer.send(new ProducerRecord<>(settings.membershipTopic(), key, membership("leave")));
            }
            producer.flush();
        }
        return published;
    }

    public void stop() {
        running = false;
    }

    private String membership(String action) {
        var m = new ControlMessages.Membership(ControlMessages.VERSION, settings.cluster(), settings.backend(), action,
                settings.address(), null, null, null, System.currentTimeMillis());
        return new String(ControlMessages.write(m), java.nio.charset.StandardCharsets.UTF_8);
    }

    private double sample() throws IOException, InterruptedException {
        if (settings.url() != null) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(settings.url()))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException(settings.url() + " answered " + r.statusCode());
            }
            String body = r.body().trim();
            if (body.startsWith("{")) {
                return ControlMessages.JSON.readTree(body).path("utilisation").asDouble(Double.NaN);
            }
            return Double.parseDouble(body);
        }
        long[] now = ProcSignals.cpuTimes();
        long[] before = lastCpu;
        lastCpu = now;
        if (before == null) {
            return ProcSignals.busyFraction(new long[] {0, 0}, now);
        }
        return ProcSignals.busyFraction(before, now);
    }

    /** Load signals from Linux's /proc. */
    static final class ProcSignals {
        private ProcSignals() {
        }

        /** {busy, total} jiffies from the first line of /proc/stat. */
        static long[] cpuTimes() throws IOException {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = line.trim().split("\\s+");
            long total = 0;
            long idle = 0;
            for (int i = 1; i < f.length; i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i == 4 || i == 5) { // idle, iowait
                    idle += v;
                }
            }
            return new long[] {total - idle, total};
        }

        /** Busy share of the CPU time between two samples, in [0, 1]. */
        static double busyFraction(long[] before, long[] after) {
            long total = after[1] - before[1];
            return total <= 0 ? 0 : Math.min(1, Math.max(0, (double) (after[0] - before[0]) / total));
        }

        /** TCP connections in state ESTABLISHED whose local port is {@code port} (IPv4 and IPv6). */
        static int establishedTo(int port) {
            int n = 0;
            String hex = String.format(":%04X", port);
            for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                try {
                    for (String line : Files.readAllLines(Path.of(file))) {
                        String[] f = line.trim().split("\\s+");
                        if (f.length > 3 && f[1].endsWith(hex) && f[3].equals("01")) {
                            n++;
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // no such table here (no IPv6): count what there is
                }
            }
            return n;
        }
    }
}
