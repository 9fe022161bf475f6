package io.sluice.benchmarks.kafka;

import io.sluice.algorithms.BackendLoad;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.config.proxy.ProxyConfigs;
import io.sluice.proxy.Proxy;
import io.sluice.proxy.kafka.KafkaControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.SynchronizedHistogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Control-plane latency, report produced to picker updated: a Sluice proxy with its Kafka control
 * plane (cluster {@code bench} of {@code --backends} backends, p2c-least-request), and in this JVM
 * {@code --peers} simulated peer instances publishing a load-view report for every backend
 * {@code --rate} times a second through a real broker. Peer 0's reports carry the round number as
 * their in-flight count (the other peers report 0, so the sum the proxy computes is peer 0's value);
 * a load listener on every backend sees the remote count change on the proxy's consumer thread and
 * records now minus the instant the harness handed that backend's report of that round to the
 * producer. So the figure covers the producer (idempotent, acks=all, linger 5 ms, as the proxy's
 * own publisher), the broker, the consumer's fetch and the view's sweep over the backends.
 *
 * <p>A round whose report is superseded before the consumer applies it (two rounds in one fetch)
 * is counted as coalesced, not measured. Latencies go to an HdrHistogram (no coordinated-omission
 * correction: the rounds are paced by the clock, not by the answers).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.kafka.ControlPlaneLatency \
 *     [--backends 1000] [--rate 10] [--peers 1] [--seconds 30] [--warmup 5] [--bootstrap-servers HOST:PORT]
 * java -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.kafka.ControlPlaneLatency --broker-only
 * </pre>
 * Without {@code --bootstrap-servers} a local KRaft broker is started from the Kafka jars in the
 * jar; {@code --broker-only} only starts one, prints its address and runs until killed (for
 * {@code ./sluice bench proxy --kafka}).
 */
public final class ControlPlaneLatency {
    /** Rounds whose send instants are kept per backend: a report later than this many rounds is not measured. */
    private static final int SLOTS = 64;

    private ControlPlaneLatency() {
    }

    public static void main(String[] args) throws Exception {
        int backends = 1000;
        int rate = 10;
        int peers = 1;
        int seconds = 30;
        int warmup = 5;
        String bootstrap = null;
        boolean brokerOnly = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--backends" -> backends = positive(args[i], args[++i]);
                case "--rate" -> rate = positive(args[i], args[++i]);
                case "--peers" -> peers = positive(args[i], args[++i]);
                case "--seconds" -> seconds = positive(args[i], args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--bootstrap-servers" -> bootstrap = args[++i];
                case "--broker-only" -> brokerOnly = true;
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'; options: --backends N,"
                        + " --rate PER_SECOND, --peers N, --seconds N, --warmup N, --bootstrap-servers HOST:PORT,"
                        + " --broker-only");
            }
        }
        LocalKafkaBroker broker = null;
        if (bootstrap == null) {
            Path dir = Files.createTempDirectory("sluice-bench-kafka-");
            System.out.println("starting a local KRaft broker in " + dir + " ...");
            broker = LocalKafkaBroker.start(dir);
            bootstrap = broker.bootstrapServers();
            System.out.println("broker on " + bootstrap);
        }
        try {
            if (brokerOnly) {
                System.out.println("broker-only: bootstrap servers " + bootstrap + "; stop with Ctrl-C");
                broker.awaitExit();
                return;
            }
            run(bootstrap, backends, rate, peers, seconds, warmup);
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    private static void run(String bootstrap, int backends, int rate, int peers, int seconds, int warmup)
            throws Exception {
        StringBuilder y = new StringBuilder("access-log: { path: \"off\" }\nworkers: 1\n"
                + "admin: { listen: 127.0.0.1:0 }\n"
                + "listeners:\n  - name: web\n    bind: 127.0.0.1:0\n    routes:\n      - cluster: bench\n"
                + "clusters:\n  - name: bench\n    strategy: p2c-least-request\n    health-check: { type: none }\n"
                + "    backends:\n");
        for (int i = 0; i < backends; i++) {
            y.append("      - { id: b").append(i).append(", address: 127.0.0.1:").append(10_000 + i % 50_000)
                    .append(" }\n");
        }
        y.append("kafka:\n  bootstrap-servers: ").append(bootstrap).append("\n  instance-id: bench-proxy\n")
                .append("  load-view: { interval: 1s, staleness: 10s }\n  metrics-interval: 10s\n");
        ProxyConfig config = ProxyConfigs.parse(y.toString());
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        int rounds = (warmup + seconds) * rate;
        int measuredFrom = warmup * rate;
        long[][] sentAt = new long[SLOTS][backends];
        int[][] sentRound = new int[SLOTS][backends];
        SynchronizedHistogram histogram = new SynchronizedHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        AtomicLong coalesced = new AtomicLong();
        AtomicLong measured = new AtomicLong();
        try (Proxy proxy = Proxy.start(config)) {
            KafkaControlPlane cp = KafkaControlPlane.start(proxy, config);
            try (KafkaProducer<String, String> producer = producer(bootstrap)) {
                for (int i = 0; i < backends; i++) {
                    int backend = i;
                    int[] lastSeen = {0};
                    BackendLoad load = proxy.snapshot().cluster("bench").loadBalancer().endpoint("b" + i).load();
                    load.setListener((l, inFlight) -> {
                        long now = System.nanoTime();
                        int v = l.remoteInFlight();
                        if (v <= lastSeen[0]) {
                            return;
                        }
                        int round = v - 1;
                        coalesced.addAndGet(Math.max(0, round - lastSeen[0]));
                        lastSeen[0] = v;
                        int slot = round % SLOTS;
                        if (round >= measuredFrom && sentRound[slot][backend] == round) {
                            histogram.recordValue(Math.max(0, now - sentAt[slot][backend]));
                            measured.incrementAndGet();
                        }
                    });
                }
                awaitConsumer(producer, cp);
                System.out.printf(Locale.ROOT, "%d backends x %d reports/s from %d peer(s): %d s warm-up, %d s"
                        + " measured%n", backends, rate, peers, warmup, seconds);
                long start = System.nanoTime();
                for (int round = 0; round < rounds; round++) {
                    long due = start + round * periodNanos;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    int slot = round % SLOTS;
                    long ts = System.currentTimeMillis();
                    for (int i = 0; i < backends; i++) {
                        sentRound[slot][i] = round;
                        sentAt[slot][i] = System.nanoTime();
                        producer.send(report("peer-0", i, round + 1, ts));
                        for (int p = 1; p < peers; p++) {
                            producer.send(report("peer-" + p, i, 0, ts));
                        }
                    }
                }
                producer.flush();
                TimeUnit.SECONDS.sleep(3);
            } finally {
                cp.close();
            }
        }
        long sent = (long) (rounds - measuredFrom) * backends;
        System.out.printf(Locale.ROOT, "updates measured %d of %d sent in the measured rounds (%d rounds coalesced"
                + " overall)%n", measured.get(), sent, coalesced.get());
        System.out.printf(Locale.ROOT, "report produced -> picker updated: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms,"
                        + " p99.9 %.2f ms, max %.2f ms%n", ms(histogram.getValueAtPercentile(50)),
                ms(histogram.getValueAtPercentile(90)), ms(histogram.getValueAtPercentile(99)),
                ms(histogram.getValueAtPercentile(99.9)), ms(histogram.getMaxValue()));
    }

    /** Sends warm-up reports until the proxy's consumer applies one: it is assigned and at the end of the topic. */
    private static void awaitConsumer(KafkaProducer<String, String> producer, KafkaControlPlane cp)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (cp.count(KafkaControlPlane.Counter.VIEW_APPLIED) == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the proxy's consumer applied no report within 60 s");
            }
            producer.send(report("peer-warmup", 0, 0, System.currentTimeMillis()));
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private static ProducerRecord<String, String> report(String peer, int backend, int inFlight, long ts) {
        return new ProducerRecord<>("sluice.load-view", peer + "/bench/b" + backend, "{\"version\":1,\"instance\":\""
                + peer + "\",\"cluster\":\"bench\",\"backend\":\"b" + backend + "\",\"in-flight\":" + inFlight
                + ",\"latency-ewma-ms\":1.0,\"timestamp\":" + ts + "}");
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("enable.idempotence", "true");
        p.put("acks", "all");
        p.put("linger.ms", "5");
        return new KafkaProducer<>(p);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static int positive(String option, String value) {
        int v = Integer.parseInt(value);
        if (v < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, got " + v);
        }
        return v;
    }
}
