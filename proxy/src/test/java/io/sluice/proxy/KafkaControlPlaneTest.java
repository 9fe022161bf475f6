package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.config.proxy.ProxyConfigs;
import io.sluice.proxy.kafka.ControlMessages;
import io.sluice.proxy.kafka.KafkaBroker;
import io.sluice.proxy.kafka.KafkaBrokerExtension;
import io.sluice.proxy.kafka.KafkaControlPlane;
import io.sluice.proxy.kafka.KafkaControlPlane.Counter;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The control plane against a real KRaft broker (one per class, {@link KafkaBrokerExtension}): a
 * proxy whose cluster takes members from Kafka, with p2c-utilisation reading the load topic. Each test
 * uses its own backend ids so the order does not matter for correctness; the broker outage runs last
 * because it is the slowest.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaControlPlaneTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static KafkaBroker broker;
    private static List<TestBackend> backends;
    private static ProxyFixture fixture;
    private static KafkaControlPlane cp;
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void start(KafkaBroker b) throws Exception {
        broker = b;
        backends = new ArrayList<>();
        for (String id : List.of("s0", "k1", "k2", "k3", "k4", "k5")) {
            backends.add(TestBackend.start(id));
        }
        String yaml = "access-log: { path: \"off\" }\nworkers: 2\n"
                + "listeners:\n  - name: web\n    bind: 127.0.0.1:0\n    routes:\n      - cluster: c\n"
                + "clusters:\n  - name: c\n    membership: both\n"
                + "    strategy: { name: p2c-utilisation, params: { stale-after: 30s } }\n"
                + "    backends:\n      - { id: s0, address: '" + backend("s0").address() + "' }\n"
                + "kafka:\n  bootstrap-servers: " + b.bootstrapServers() + "\n"
                + "  instance-id: test-proxy\n  load-staleness: 5s\n  metrics-interval: 200ms\n"
                + "  access-log-sample: 1\n"
                + "  properties: { client.id: sluice-test }\n";
        ProxyConfig config = ProxyConfigs.parse(yaml);
        fixture = new ProxyFixture(Proxy.start(config), backends);
        cp = KafkaControlPlane.start(fixture.proxy, config);
        Properties p = new Properties();
        p.put("bootstrap.servers", b.bootstrapServers());
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("linger.ms", "0");
        producer = new KafkaProducer<>(p);
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
        }
        if (cp != null) {
            cp.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    @Order(1)
    void membershipJoinDrainAndLeaveReachThePicker() throws Exception {
        send("sluice.membership", "c/k1", membership("k1", "join"));
        await("k1 in the picker", () -> ids().contains("k1"));
        assertThat(backendsServing(40)).contains("k1", "s0");

        send("sluice.membership", "c/k1", membership("k1", "drain"));
        await("k1 drained", () -> !ids().contains("k1"));
        assertThat(backendsServing(20)).containsOnly("s0");

        send("sluice.membership", "c/k1", membership("k1", "undrain"));
        await("k1 back", () -> ids().contains("k1"));
        send("sluice.membership", "c/k1", membership("k1", "leave"));
        await("k1 left", () -> !ids().contains("k1"));
        // The picker changes inside the reload; the counter moves just after it returns, on the consumer's thread.
        await("a reload per membership change", () -> cp.count(Counter.RELOADS) >= 4);
    }

    @Test
    @Order(2)
    void loadReportsSteerP2cUtilisationAndStaleOnesAreIgnored() throws Exception {
        send("sluice.membership", "c/k2", membership("k2", "join"));
        await("k2 in the picker", () -> ids().contains("k2"));
        // Two backends: p2c draws both, so the lower fresh utilisation wins every pick.
        long applied = cp.count(Counter.LOAD_APPLIED);
        send("sluice.load", "c/s0", load("s0", 0.9, System.currentTimeMillis()));
        send("sluice.load", "c/k2", load("k2", 0.1, System.currentTimeMillis()));
        await("reports applied", () -> cp.count(Counter.LOAD_APPLIED) >= applied + 2);
        assertThat(backendsServing(20)).containsOnly("k2");

        // A report a minute old says the opposite: ignored, counted, routing unchanged.
        long stale = cp.count(Counter.LOAD_STALE);
        send("sluice.load", "c/s0", load("s0", 0.0, System.currentTimeMillis() - 60_000));
        send("sluice.load", "c/k2", load("k2", 1.0, System.currentTimeMillis() - 60_000));
        await("stale reports counted", () -> cp.count(Counter.LOAD_STALE) >= stale + 2);
        assertThat(backendsServing(20)).containsOnly("k2");

        // Fresh reports the other way round move the traffic.
        long before = cp.count(Counter.LOAD_APPLIED);
        send("sluice.load", "c/s0", load("s0", 0.1, System.currentTimeMillis()));
        send("sluice.load", "c/k2", load("k2", 0.9, System.currentTimeMillis()));
        await("reports applied", () -> cp.count(Counter.LOAD_APPLIED) >= before + 2);
        assertThat(backendsServing(20)).containsOnly("s0");
        send("sluice.membership", "c/k2", membership("k2", "leave"));
        await("k2 left", () -> !ids().contains("k2"));
    }

    @Test
    @Order(3)
    void nodeManagerVerdictTakesABackendOutAndBack() throws Exception {
        send("sluice.membership", "c/k3", membership("k3", "join"));
        await("k3 in the picker", () -> ids().contains("k3"));
        send("sluice.health", "c/k3", "{\"version\":1,\"cluster\":\"c\",\"backend\":\"k3\",\"healthy\":false,"
                + "\"reason\":\"oom\",\"timestamp\":" + System.currentTimeMillis() + "}");
        await("k3 out", () -> !ids().contains("k3"));
        send("sluice.health", "c/k3", "{\"version\":1,\"cluster\":\"c\",\"backend\":\"k3\",\"healthy\":true,"
                + "\"timestamp\":" + System.currentTimeMillis() + "}");
        await("k3 back", () -> ids().contains("k3"));
        send("sluice.membership", "c/k3", membership("k3", "leave"));
        await("k3 left", () -> !ids().contains("k3"));
    }

    @Test
    @Order(4)
    void malformedAndUnknownVersionMessagesAreCountedAndSkipped() throws Exception {
        long malformed = cp.count(Counter.MALFORMED);
        long version = cp.count(Counter.UNKNOWN_VERSION);
        send("sluice.membership", "c/x", "{not json");
        send("sluice.membership", "c/x", "{\"version\":1,\"cluster\":\"c\",\"backend\":\"x\",\"action\":\"explode\"}");
        send("sluice.load", "c/x", "[1,2,3]");
        send("sluice.membership", "c/k4", "{\"version\":99,\"cluster\":\"c\",\"backend\":\"k4\",\"action\":\"join\","
                + "\"address\":\"" + backend("k4").address() + "\"}");
        // A good message after the bad ones still applies: the consumer skipped, it did not stop.
        send("sluice.membership", "c/k5", membership("k5", "join"));
        await("k5 in the picker", () -> ids().contains("k5"));
        // The bad load message is on another topic, which the consumer may reach after k5's.
        await("three malformed counted", () -> cp.count(Counter.MALFORMED) >= malformed + 3);
        assertThat(cp.count(Counter.MALFORMED)).isEqualTo(malformed + 3);
        assertThat(cp.count(Counter.UNKNOWN_VERSION)).isEqualTo(version + 1);
        assertThat(ids()).doesNotContain("k4", "x");
        send("sluice.membership", "c/k5", membership("k5", "leave"));
        await("k5 left", () -> !ids().contains("k5"));
    }

    @Test
    @Order(5)
    void eventsMetricsAndAccessLogAppearWithTheDocumentedSchema() throws Exception {
        fixture.get("/schema-check");
        Map<String, List<JsonNode>> seen = new HashMap<>();
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = List.of(new TopicPartition("sluice.events", 0),
                    new TopicPartition("sluice.metrics", 0), new TopicPartition("sluice.access-log", 0));
            c.assign(parts);
            c.seekToBeginning(parts);
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (System.nanoTime() < end && !(seen.containsKey("sluice.metrics")
                    && seen.containsKey("sluice.access-log") && hasEvent(seen, "membership-join"))) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    seen.computeIfAbsent(r.topic(), k -> new ArrayList<>()).add(JSON.readTree(r.value()));
                }
            }
        }
        assertThat(hasEvent(seen, "membership-join")).as("a membership-join event").isTrue();
        JsonNode join = seen.get("sluice.events").stream().filter(e -> e.path("type").asText()
                .equals("membership-join")).findFirst().orElseThrow();
        assertThat(join.path("version").asInt()).isEqualTo(ControlMessages.VERSION);
        assertThat(join.path("instance").asText()).isEqualTo("test-proxy");
        assertThat(join.path("cluster").asText()).isEqualTo("c");
        assertThat(join.path("timestamp").asLong()).isPositive();

        JsonNode metrics = seen.get("sluice.metrics").get(seen.get("sluice.metrics").size() - 1);
        assertThat(metrics.path("version").asInt()).isEqualTo(ControlMessages.VERSION);
        assertThat(metrics.path("backends").isArray()).isTrue();
        JsonNode s0 = null;
        for (JsonNode b : metrics.path("backends")) {
            if (b.path("backend").asText().equals("s0")) {
                s0 = b;
            }
        }
        assertThat(s0).as("s0 in the snapshot").isNotNull();
        assertThat(s0.has("in-flight") && s0.has("latency-ewma-ms") && s0.has("health")).isTrue();
        assertThat(metrics.path("kafka").has("consumer-lag")).isTrue();

        assertThat(seen.get("sluice.access-log")).anySatisfy(a -> {
            assertThat(a.path("target").asText()).isEqualTo("/schema-check");
            assertThat(a.path("status").asInt()).isEqualTo(200);
            assertThat(a.path("version").asInt()).isEqualTo(ControlMessages.VERSION);
        });
        assertThat(fixture.proxy.metrics().scrapeText()).contains("sluice_kafka_consumer_lag");
    }

    @Test
    @Order(6)
    void agentJoinsReportsAndLeaves() throws Exception {
        com.sun.net.httpserver.HttpServer load = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        load.createContext("/load", ex -> {
            byte[] body = "{\"utilisation\": 0.25}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        load.start();
        long applied = cp.count(Counter.LOAD_APPLIED);
        io.sluice.proxy.kafka.LoadAgent agent = new io.sluice.proxy.kafka.LoadAgent(
                new io.sluice.proxy.kafka.LoadAgent.Settings(broker.bootstrapServers(), Map.of(), "sluice.load",
                        "sluice.membership", "c", "k3", backend("k3").address(), backend("k3").port(),
                        "http://127.0.0.1:" + load.getAddress().getPort() + "/load", 50, true));
        Thread t = new Thread(() -> {
            try {
                agent.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        try {
            await("the agent's backend joined", () -> ids().contains("k3"));
            await("the agent's reports applied", () -> cp.count(Counter.LOAD_APPLIED) >= applied + 3);
            assertThat(fixture.proxy.snapshot().cluster("c").loadBalancer().endpoint("k3").load().utilisation())
                    .isEqualTo(0.25);
        } finally {
            agent.stop();
            t.join(10_000);
            load.stop(0);
        }
        await("the agent's backend left at stop", () -> !ids().contains("k3"));
    }

    /**
     * The shared load view with two proxy instances in this JVM, each with its own instance id and
     * control plane, both in front of v-slow: b holds 4 requests on it. a's least-connections picker
     * sees b's 4 (as remote in-flight) and sends everything to v-fast, where without the view both
     * would be idle and tie (each 1/2: 20 requests all on v-fast by chance is 2^-20). A report older
     * than the staleness is ignored and counted; when b goes quiet its share ages out and a spreads
     * again (40 requests missing one backend by chance: 2 * 2^-40).
     */
    @Test
    @Order(7)
    void peersInFlightReachesThePickerWhichSteersAwayAndStaleReportsAreIgnored() throws Exception {
        java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(4);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        TestBackend slow = TestBackend.holdingSlow("v-slow", arrived, release);
        TestBackend fast = TestBackend.start("v-fast");
        List<AutoCloseable> open = new ArrayList<>();
        try {
            Instance a = Instance.start("view-a", List.of(slow, fast), open);
            Instance b = Instance.start("view-b", List.of(slow), open);
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                held.add(b.fixture.client.sendAsync(java.net.http.HttpRequest.newBuilder(b.fixture.uri("/slow"))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            assertThat(arrived.await(30, TimeUnit.SECONDS)).as("b's 4 requests held at v-slow").isTrue();
            await("a sees b's 4 requests on v-slow", () -> a.load("v-slow").remoteInFlight() == 4);
            assertThat(a.load("v-fast").remoteInFlight()).isZero();
            assertThat(a.served(20)).containsOnly("v-fast");
            // b publishes its own count, a nothing: no echo of b's load back to b.
            assertThat(b.load("v-slow").remoteInFlight()).isZero();

            long stale = a.cp.count(Counter.VIEW_STALE);
            send("sluice.load-view", "ghost/v/v-fast", "{\"version\":1,\"instance\":\"ghost\",\"cluster\":\"v\","
                    + "\"backend\":\"v-fast\",\"in-flight\":50,\"timestamp\":" + (System.currentTimeMillis() - 60_000)
                    + "}");
            await("the stale report counted", () -> a.cp.count(Counter.VIEW_STALE) > stale);
            assertThat(a.load("v-fast").remoteInFlight()).isZero();
            assertThat(a.cp.count(Counter.VIEW_APPLIED)).isPositive();

            b.cp.close(); // b goes quiet, its requests still held
            await("b's share aged out", () -> a.load("v-slow").remoteInFlight() == 0);
            assertThat(a.served(40)).contains("v-slow", "v-fast");
            release.countDown();
            for (var f : held) {
                assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
        } finally {
            release.countDown();
            for (AutoCloseable c : open) {
                c.close();
            }
            slow.close();
            fast.close();
        }
    }

    /** A proxy instance with its own control plane: cluster v, least-connections, the load view every 100 ms. */
    private record Instance(ProxyFixture fixture, KafkaControlPlane cp) {
        static Instance start(String id, List<TestBackend> backends, List<AutoCloseable> open) throws Exception {
            StringBuilder y = new StringBuilder("access-log: { path: \"off\" }\nworkers: 1\n"
                    + "listeners:\n  - name: web\n    bind: 127.0.0.1:0\n    routes:\n      - cluster: v\n"
                    + "clusters:\n  - name: v\n    strategy: least-connections\n    backends:\n");
            for (TestBackend b : backends) {
                y.append("      - { id: ").append(b.id).append(", address: '").append(b.address()).append("' }\n");
            }
            y.append("kafka:\n  bootstrap-servers: ").append(broker.bootstrapServers()).append('\n')
                    .append("  instance-id: ").append(id).append('\n')
                    .append("  load-view: { interval: 100ms, staleness: 1s }\n");
            ProxyConfig config = ProxyConfigs.parse(y.toString());
            ProxyFixture f = new ProxyFixture(Proxy.start(config), backends);
            open.add(0, f);
            KafkaControlPlane c = KafkaControlPlane.start(f.proxy, config);
            open.add(0, c);
            return new Instance(f, c);
        }

        io.sluice.algorithms.BackendLoad load(String backend) {
            return fixture.proxy.snapshot().cluster("v").loadBalancer().endpoint(backend).load();
        }

        java.util.Set<String> served(int requests) throws Exception {
            java.util.Set<String> out = new java.util.TreeSet<>();
            for (int i = 0; i < requests; i++) {
                HttpResponse<String> r = fixture.get("/");
                assertThat(r.statusCode()).isEqualTo(200);
                out.add(r.body());
            }
            return out;
        }
    }

    @Test
    @Order(8)
    void brokerKilledMidRunAndRestartedFailsNoRequestAndStateResumes() throws Exception {
        send("sluice.membership", "c/k4", membership("k4", "join"));
        await("k4 in the picker", () -> ids().contains("k4"));
        AtomicBoolean run = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Thread client = new Thread(() -> {
            while (run.get()) {
                try {
                    HttpResponse<String> r = fixture.get("/during-outage");
                    (r.statusCode() == 200 ? ok : failed).incrementAndGet();
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            }
        });
        client.start();
        try {
            await("requests flowing", () -> ok.get() > 20);
            broker.kill();
            int atKill = ok.get();
            await("requests still flowing with the broker down", () -> ok.get() > atKill + 50);
            assertThat(ids()).as("the last known state is kept").contains("k4", "s0");
            broker.start();
            // State resumes: a change made after the restart reaches the picker.
            send("sluice.membership", "c/k5", membership("k5", "join"));
            await("k5 in the picker after the restart", () -> ids().contains("k5"));
            int afterRestart = ok.get();
            await("requests after the restart", () -> ok.get() > afterRestart + 20);
        } finally {
            run.set(false);
            client.join(30_000);
        }
        assertThat(failed.get()).as("failed client requests").isZero();
        assertThat(ok.get()).isGreaterThan(90);
    }

    // ---- helpers ----

    private static TestBackend backend(String id) {
        return backends.stream().filter(b -> b.id.equals(id)).findFirst().orElseThrow();
    }

    private static String membership(String id, String action) {
        return "{\"version\":1,\"cluster\":\"c\",\"backend\":\"" + id + "\",\"action\":\"" + action
                + "\",\"address\":\"" + backend(id).address() + "\",\"weight\":1,\"zone\":\"z1\",\"timestamp\":"
                + System.currentTimeMillis() + "}";
    }

    private static String load(String id, double utilisation, long timestamp) {
        return "{\"version\":1,\"cluster\":\"c\",\"backend\":\"" + id + "\",\"utilisation\":" + utilisation
                + ",\"queue-length\":3,\"request-rate\":12.5,\"timestamp\":" + timestamp + "}";
    }

    private static void send(String topic, String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }

    private static List<String> ids() {
        return fixture.proxy.snapshot().cluster("c").loadBalancer().endpoints().all().stream()
                .map(e -> e.id()).toList();
    }

    private static java.util.Set<String> backendsServing(int requests) throws Exception {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> r = fixture.get("/");
            assertThat(r.statusCode()).isEqualTo(200);
            out.add(r.body());
        }
        return out;
    }

    private static boolean hasEvent(Map<String, List<JsonNode>> seen, String type) {
        return seen.getOrDefault("sluice.events", List.of()).stream()
                .anyMatch(e -> e.path("type").asText().equals(type));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, DEADLINE.toNanos(), condition);
    }
}
