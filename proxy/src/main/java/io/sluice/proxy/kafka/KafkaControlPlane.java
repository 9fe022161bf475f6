package io.sluice.proxy.kafka;

import io.sluice.algorithms.Endpoint;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.proxy.Cluster;
import io.sluice.proxy.Proxy;
import io.sluice.proxy.RequestObserver;
import io.sluice.proxy.RoutingSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's Kafka control plane (docs/kafka.md). In: membership, health verdicts and load reports
 * from the Node Manager (or {@code ./sluice agent}); out: events, metric snapshots and a sampled
 * access log.
 *
 * <h2>Threads</h2>
 * One consumer thread reads the three input topics and applies them: membership and verdicts through
 * {@link Proxy#reload} (the path a file reload takes, so connections and requests under way are
 * kept), coalesced to one reload per poll; load reports through {@link Proxy#loadReports()}. One
 * publisher thread owns the idempotent producer and drains a bounded queue; the event loops only
 * {@code offer} to that queue (never block), and what does not fit is dropped and counted. Neither
 * thread ever runs on an event loop, and a broker that is down or slow only stalls these two threads:
 * the proxy keeps routing on the last state it applied.
 *
 * <p>Thread-safe: {@link #fileReloaded} and {@link #close} may be called from any thread.
 */
public final class KafkaControlPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaControlPlane.class);
    private static final Duration POLL = Duration.ofMillis(100);

    /** What the control plane counts; also exported on /metrics as {@code sluice_kafka_*}. */
    public enum Counter {
        MEMBERSHIP_APPLIED, LOAD_APPLIED, LOAD_STALE, LOAD_UNKNOWN_BACKEND, HEALTH_APPLIED, MALFORMED,
        UNKNOWN_VERSION, RELOADS, RELOAD_FAILURES, PUBLISHED, PUBLISH_DROPPED, PUBLISH_FAILED,
        /** Peers' load-view reports taken into the view. */
        VIEW_APPLIED,
        /** Peers' load-view reports older than {@code load-view.staleness} on arrival, ignored. */
        VIEW_STALE,
        /**
         * The ages on arrival (this instance's wall clock minus the report's timestamp, ms, 0 when the
         * peer's clock is ahead) of the applied peers' reports, summed: divided by {@link #VIEW_APPLIED}
         * it is the view's mean delivery delay, which decides whether sharing helps (docs/kafka.md).
         */
        VIEW_AGE_MILLIS,
        /** Load-view reports this instance queued for publication. */
        VIEW_REPORTS,
        /** Peers' rate-usage reports taken in (global rate limits). */
        RATE_USAGE_APPLIED,
        /** Peers' rate-usage reports older than {@code rate-usage.staleness} on arrival, ignored. */
        RATE_USAGE_STALE,
        /** Rate-usage reports this instance queued for publication, one per global limit per interval. */
        RATE_USAGE_REPORTS,
        /** Rebalances of a global limit skipped because this instance's own reports stopped coming back. */
        RATE_SHARES_FROZEN
    }

    private final Proxy proxy;
    private final ProxyConfig.Kafka settings;
    private final Map<Counter, AtomicLong> counters = new EnumMap<>(Counter.class);
    private final ArrayBlockingQueue<ProducerRecord<String, byte[]>> outbox;
    private final Set<String> loggedKinds = ConcurrentHashMap.newKeySet();
    private final MembershipView view = new MembershipView();
    /** The peers' load, or null when {@code load-view.interval} is 0; confined to the consumer thread. */
    private final LoadView loadView;
    /** The peers' usage of the global rate limits; see {@link RateUsageView} for the threads. */
    private final RateUsageView rateUsage;
    private final Object applyLock = new Object();
    private final Thread consumerThread;
    private final Thread publisherThread;
    private final RequestObserver accessLog;
    private volatile ProxyConfig file;
    private volatile long lag;
    private volatile boolean running = true;

    private KafkaControlPlane(Proxy proxy, ProxyConfig file) {
        this.proxy = proxy;
        this.file = file;
        this.settings = Objects.requireNonNull(file.kafka(), "the config has no kafka: section");
        for (Counter c : Counter.values()) {
            counters.put(c, new AtomicLong());
        }
        this.outbox = new ArrayBlockingQueue<>(settings.bufferSize());
        this.loadView = settings.loadViewIntervalNanos() > 0
                ? new LoadView(settings.instanceId(), settings.loadViewStalenessNanos()) : null;
        this.rateUsage = new RateUsageView(settings.instanceId(), settings.rateUsageStalenessNanos());
        this.consumerThread = new Thread(this::consume, "sluice-kafka-consumer");
        this.publisherThread = new Thread(this::publish, "sluice-kafka-publisher");
        consumerThread.setDaemon(true);
        publisherThread.setDaemon(true);
        this.accessLog = new RequestObserver() {
            @Override
            public void onRequestEnd(RequestEnd end) {
                accessLog(end);
            }
        };
    }

    /**
     * Starts both threads; returns at once, whether or not a broker answers.
     *
     * @param file the config as read from the file (its {@code kafka:} section is required)
     */
    public static KafkaControlPlane start(Proxy proxy, ProxyConfig file) {
        KafkaControlPlane cp = new KafkaControlPlane(proxy, file);
        KafkaMetrics.register(proxy.metrics().registry(), cp);
        if (cp.settings.accessLogSample() > 0) {
            proxy.addObserver(cp.accessLog);
        }
        cp.consumerThread.start();
        cp.publisherThread.start();
        return cp;
    }

    /** A count so far. */
    public long count(Counter c) {
        return counters.get(c).get();
    }

    /** Messages behind the end of the input topics at the last look (-1 before the first). */
    public long consumerLag() {
        return lag;
    }

    /** Kafka-fed members known now. */
    public int members() {
        synchronized (applyLock) {
            return view.members();
        }
    }

    /**
     * The file was re-read: apply it with the Kafka view on top, through the same reload.
     *
     * @return what the reload changed
     */
    public Proxy.ReloadSummary fileReloaded(ProxyConfig next) {
        synchronized (applyLock) {
            this.file = next;
            Proxy.ReloadSummary s = proxy.reload(view.compose(next));
            event("config-reloaded", null, null, Map.of("clusters-changed", s.clustersChanged()));
            return s;
        }
    }

    /** Queues an event on the events topic (never blocks; dropped and counted when the buffer is full). */
    public void event(String type, String cluster, String backend, Map<String, ?> detail) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("version", ControlMessages.VERSION);
        e.put("type", type);
        e.put("instance", settings.instanceId());
        e.put("timestamp", System.currentTimeMillis());
        if (cluster != null) {
            e.put("cluster", cluster);
        }
        if (backend != null) {
            e.put("backend", backend);
        }
        if (detail != null && !detail.isEmpty()) {
            e.put("detail", detail);
        }
        offer(settings.topics().events(), cluster == null ? settings.instanceId() : cluster + "/" + backend, e);
    }

    @Override
    public void close() {
        running = false;
        proxy.removeObserver(accessLog);
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            consumerThread.join(5_000);
            publisherThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- in ----

    private Properties clientProps() {
        Properties p = new Properties();
        p.putAll(settings.properties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        return p;
    }

    private void consume() {
        Properties p = clientProps();
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putIfAbsent(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        p.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        ProxyConfig.Topics t = settings.topics();
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p);
        this.consumer = consumer;
        try {
            boolean assigned = false;
            long nextLagCheck = 0;
            long nextExpiry = 0;
            long nextViewSweep = 0;
            while (running) {
                try {
                    if (!assigned) {
                        ensureTopics();
                        assigned = assign(consumer, t);
                        if (!assigned) {
                            continue;
                        }
                    }
                    boolean changed = false;
                    boolean viewed = false;
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                        if (loadView != null && r.topic().equals(t.loadView())) {
                            viewed |= acceptView(r);
                        } else if (r.topic().equals(t.rateUsage())) {
                            acceptUsage(r);
                        } else {
                            changed |= dispatch(r);
                        }
                    }
                    long now = System.currentTimeMillis();
                    if (loadView != null && (viewed || now >= nextViewSweep)) {
                        // After every batch of reports (so a report reaches the pickers at once), and
                        // at least every poll period, so an expired report stops counting on time.
                        nextViewSweep = now + POLL.toMillis();
                        loadView.publishTo(proxy.snapshot(), System.nanoTime());
                    }
                    if (settings.membershipStalenessNanos() > 0 && now >= nextExpiry) {
                        nextExpiry = now + 1000;
                        synchronized (applyLock) {
                            changed |= view.expire(now - settings.membershipStalenessNanos() / 1_000_000);
                        }
                    }
                    if (changed) {
                        applyView();
                    }
                    if (now >= nextLagCheck) {
                        nextLagCheck = now + 1000;
                        lag = lag(consumer);
                        if (loadView != null) {
                            loadView.expire(System.nanoTime());
                        }
                        rateUsage.expire(System.nanoTime());
                    }
                } catch (org.apache.kafka.common.errors.WakeupException
                         | org.apache.kafka.common.errors.InterruptException e) {
                    break;
                } catch (RuntimeException e) {
                    logOnce("consumer", "kafka consumer: " + e + "; retrying");
                    pause(500);
                }
            }
        } finally {
            try {
                consumer.close(Duration.ofMillis(500));
            } catch (RuntimeException e) {
                // closing against a broker that is away: nothing left to do
            }
        }
    }

    private volatile KafkaConsumer<String, byte[]> consumer;

    private boolean assign(KafkaConsumer<String, byte[]> consumer, ProxyConfig.Topics t) {
        List<TopicPartition> state = new ArrayList<>();
        List<TopicPartition> load = new ArrayList<>();
        // Every topic must show its partitions before the consumer is assigned: the assignment is made
        // once, so a topic whose metadata is not there yet (just created, leader being elected) would
        // otherwise never be read.
        for (String topic : List.of(t.membership(), t.health())) {
            List<TopicPartition> ps = partitions(consumer, topic);
            if (ps.isEmpty()) {
                pause(500);
                return false;
            }
            state.addAll(ps);
        }
        List<TopicPartition> reports = partitions(consumer, t.load());
        if (reports.isEmpty()) {
            pause(500);
            return false;
        }
        load.addAll(reports);
        if (loadView != null) {
            List<TopicPartition> peers = partitions(consumer, t.loadView());
            if (peers.isEmpty()) {
                pause(500);
                return false;
            }
            // From now on too: a peer's older reports are stale within load-view.staleness anyway,
            // and it sends fresh ones every interval.
            load.addAll(peers);
        }
        List<TopicPartition> usage = partitions(consumer, t.rateUsage());
        if (usage.isEmpty()) {
            pause(500);
            return false;
        }
        // From now on, as the load view: a peer publishes its usage every rate-usage.interval.
        load.addAll(usage);
        if (state.isEmpty() || load.isEmpty()) {
            pause(500);
            return false;
        }
        List<TopicPartition> all = new ArrayList<>(state);
        all.addAll(load);
        consumer.assign(all);
        // State topics from the beginning (compaction keeps the last word per backend); load from now on.
        consumer.seekToBeginning(state);
        consumer.seekToEnd(load);
        return true;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer, String topic) {
        List<TopicPartition> out = new ArrayList<>();
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(2));
        if (infos != null) {
            for (PartitionInfo i : infos) {
                out.add(new TopicPartition(topic, i.partition()));
            }
        }
        return out;
    }

    private boolean topicsMade;

    /** Creates the topics (compacted for state) when missing; the broker may also auto-create them. */
    private void ensureTopics() {
        if (topicsMade) {
            return;
        }
        ProxyConfig.Topics t = settings.topics();
        Properties p = clientProps();
        p.put("request.timeout.ms", "2000");
        p.put("default.api.timeout.ms", "3000");
        try (Admin admin = Admin.create(p)) {
            Map<String, String> compact = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            List<NewTopic> topics = new ArrayList<>();
            for (String s : loadView == null ? List.of(t.membership(), t.health(), t.rateUsage())
                    : List.of(t.membership(), t.health(), t.loadView(), t.rateUsage())) {
                topics.add(new NewTopic(s, java.util.Optional.empty(), java.util.Optional.empty()).configs(compact));
            }
            for (String s : List.of(t.load(), t.events(), t.metrics(), t.accessLog())) {
                topics.add(new NewTopic(s, java.util.Optional.empty(), java.util.Optional.empty()));
            }
            for (var f : admin.createTopics(topics).values().values()) {
                try {
                    f.get(3, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(e.getCause());
                    }
                }
            }
            topicsMade = true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            logOnce("topics", "kafka: cannot create the topics yet (" + e + "); retrying");
        }
    }

    private boolean dispatch(ConsumerRecord<String, byte[]> r) {
        ProxyConfig.Topics t = settings.topics();
        if (r.topic().equals(t.load())) {
            ControlMessages.Read<ControlMessages.LoadReport> read = ControlMessages.load(r.value());
            if (refused(r, read.refused())) {
                return false;
            }
            ControlMessages.LoadReport m = read.message();
            long ageMillis = System.currentTimeMillis() - m.timestamp();
            if (ageMillis * 1_000_000 > settings.loadStalenessNanos()) {
                counters.get(Counter.LOAD_STALE).incrementAndGet();
                return false;
            }
            boolean known = proxy.loadReports().report(m.cluster(), m.backend(), m.utilisation());
            counters.get(known ? Counter.LOAD_APPLIED : Counter.LOAD_UNKNOWN_BACKEND).incrementAndGet();
            return false;
        }
        if (r.value() == null) {
            return false; // a tombstone: compaction's deletion marker, nothing to apply
        }
        if (r.topic().equals(t.membership())) {
            ControlMessages.Read<ControlMessages.Membership> read = ControlMessages.membership(r.value());
            if (refused(r, read.refused())) {
                return false;
            }
            counters.get(Counter.MEMBERSHIP_APPLIED).incrementAndGet();
            ControlMessages.Membership m = read.message();
            boolean changed;
            try {
                synchronized (applyLock) {
                    changed = view.apply(m, System.currentTimeMillis());
                }
            } catch (RuntimeException bad) {
                refused(r, new ControlMessages.Refused(ControlMessages.Refused.Kind.MALFORMED, bad.getMessage()));
                return false;
            }
            if (changed) {
                event("membership-" + m.action(), m.cluster(), m.backend(), m.address() == null ? Map.of()
                        : Map.of("address", m.address()));
            }
            return changed;
        }
        if (r.topic().equals(t.health())) {
            ControlMessages.Read<ControlMessages.HealthVerdict> read = ControlMessages.health(r.value());
            if (refused(r, read.refused())) {
                return false;
            }
            counters.get(Counter.HEALTH_APPLIED).incrementAndGet();
            synchronized (applyLock) {
                return view.apply(read.message());
            }
        }
        return false;
    }

    /** A peer's load-view report: into the view (applied to the loads after the batch). @return applied */
    private boolean acceptView(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return false; // a tombstone: the peer's share ages out by staleness
        }
        ControlMessages.Read<ControlMessages.LoadViewReport> read = ControlMessages.loadView(r.value());
        if (refused(r, read.refused())) {
            return false;
        }
        long nowMillis = System.currentTimeMillis();
        return switch (loadView.accept(read.message(), System.nanoTime(), nowMillis)) {
            case APPLIED -> {
                counters.get(Counter.VIEW_APPLIED).incrementAndGet();
                counters.get(Counter.VIEW_AGE_MILLIS).addAndGet(Math.max(0, nowMillis - read.message().timestamp()));
                yield true;
            }
            case STALE -> {
                counters.get(Counter.VIEW_STALE).incrementAndGet();
                yield false;
            }
            case OWN -> false;
        };
    }

    /** A peer's (or this instance's own, echoed) usage of the global rate limits. */
    private void acceptUsage(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return; // a tombstone: the peer's report ages out by staleness
        }
        ControlMessages.Read<ControlMessages.RateUsageReport> read = ControlMessages.rateUsage(r.value());
        if (refused(r, read.refused())) {
            return;
        }
        switch (rateUsage.accept(read.message(), System.nanoTime(), System.currentTimeMillis())) {
            case APPLIED -> counters.get(Counter.RATE_USAGE_APPLIED).incrementAndGet();
            case STALE -> counters.get(Counter.RATE_USAGE_STALE).incrementAndGet();
            case OWN -> { }
        }
    }

    private boolean refused(ConsumerRecord<String, byte[]> r, ControlMessages.Refused refused) {
        if (refused == null) {
            return false;
        }
        boolean version = refused.kind() == ControlMessages.Refused.Kind.UNKNOWN_VERSION;
        counters.get(version ? Counter.UNKNOWN_VERSION : Counter.MALFORMED).incrementAndGet();
        logOnce(r.topic() + "/" + refused.kind(), "kafka: skipped a " + refused.kind().name().toLowerCase()
                .replace('_', ' ') + " message on " + r.topic() + " at offset " + r.offset() + ": "
                + refused.detail() + " (logged once per topic and kind; counted in sluice_kafka_messages_skipped_total)");
        return true;
    }

    private void applyView() {
        synchronized (applyLock) {
            try {
                proxy.reload(view.compose(file));
                counters.get(Counter.RELOADS).incrementAndGet();
            } catch (RuntimeException e) {
                counters.get(Counter.RELOAD_FAILURES).incrementAndGet();
                logOnce("reload", "kafka: the membership update could not be applied: " + e.getMessage());
            }
        }
    }

    private long lag(KafkaConsumer<String, byte[]> consumer) {
        try {
            Set<TopicPartition> parts = consumer.assignment();
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts, Duration.ofMillis(500));
            long total = 0;
            for (TopicPartition tp : parts) {
                total += Math.max(0, ends.getOrDefault(tp, 0L) - consumer.position(tp, Duration.ofMillis(500)));
            }
            return total;
        } catch (RuntimeException e) {
            return lag; // the broker is away: keep the last figure
        }
    }

    // ---- out ----

    private void accessLog(RequestObserver.RequestEnd end) {
        if (end.status() < settings.accessLogMinStatus()
                || ThreadLocalRandom.current().nextDouble() >= settings.accessLogSample()) {
            return;
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("version", ControlMessages.VERSION);
        e.put("instance", settings.instanceId());
        e.put("timestamp", System.currentTimeMillis());
        e.put("listener", end.listener());
        e.put("request-id", end.requestId());
        e.put("method", end.method());
        e.put("target", end.target());
        e.put("route", end.route());
        e.put("cluster", end.cluster());
        e.put("backend", end.backendId());
        e.put("status", end.status());
        e.put("outcome", end.outcome());
        e.put("duration-ms", end.durationNanos() / 1e6);
        e.put("attempts", end.attempts());
        offer(settings.topics().accessLog(), end.requestId(), e);
    }

    private void offer(String topic, String key, Object value) {
        if (!running || !outbox.offer(new ProducerRecord<>(topic, key, ControlMessages.write(value)))) {
            counters.get(Counter.PUBLISH_DROPPED).incrementAndGet();
        }
    }

    private void publish() {
        Properties p = clientProps();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // Short: load-view reports go out every interval and their delay is the view's staleness.
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        // Never wait long for metadata: a broker that is away must not stall the publisher for long.
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000");
        p.putIfAbsent(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        long interval = Math.max(1, settings.metricsIntervalNanos() / 1_000_000);
        long nextMetrics = System.currentTimeMillis() + interval;
        long viewInterval = settings.loadViewIntervalNanos() / 1_000_000;
        // A random phase, so a fleet started at once does not publish in lockstep.
        long nextView = System.currentTimeMillis() + (viewInterval > 0 ? ThreadLocalRandom.current().nextLong(
                viewInterval) : 0);
        long usageInterval = Math.max(1, settings.rateUsageIntervalNanos() / 1_000_000);
        long nextUsage = System.currentTimeMillis() + usageInterval;
        Map<String, String> lastHealth = new HashMap<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            while (running || !outbox.isEmpty()) {
                long now = System.currentTimeMillis();
                scanHealth(lastHealth);
                if (now >= nextMetrics) {
                    nextMetrics = now + interval;
                    offer(settings.topics().metrics(), settings.instanceId(), snapshot(now));
                }
                long wait = 50;
                if (now >= nextUsage) {
                    nextUsage += usageInterval;
                    if (nextUsage <= now) {
                        nextUsage = now + usageInterval;
                    }
                    publishUsage(now);
                }
                wait = Math.max(1, Math.min(wait, nextUsage - now));
                if (viewInterval > 0) {
                    if (now >= nextView) {
                        nextView += viewInterval;
                        if (nextView <= now) {
                            nextView = now + viewInterval; // fell behind (a long stall): skip, do not burst
                        }
                        publishView(now);
                    }
                    wait = Math.max(1, Math.min(wait, nextView - now));
                }
                ProducerRecord<String, byte[]> r;
                try {
                    r = outbox.poll(wait, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    break;
                }
                while (r != null) {
                    try {
                        producer.send(r, (md, ex) -> counters.get(ex == null ? Counter.PUBLISHED
                                : Counter.PUBLISH_FAILED).incrementAndGet());
                    } catch (RuntimeException e) {
                        counters.get(Counter.PUBLISH_FAILED).incrementAndGet();
                        logOnce("publish", "kafka producer: " + e + " (counted in sluice_kafka_published_total"
                                + "{result=\"failed\"})");
                    }
                    r = running ? outbox.poll() : null;
                }
            }
            producer.close(Duration.ofSeconds(2));
        }
    }

    /**
     * This instance's own load on every backend, one report per backend on the load-view topic: its
     * own in-flight count ({@link io.sluice.algorithms.BackendLoad#inFlight()}, not the fleet-wide
     * sum the pickers read, which would echo the peers' load back to them) and its latency EWMA.
     */
    private void publishView(long nowMillis) {
        RoutingSnapshot s = proxy.snapshot();
        if (s == null) {
            return;
        }
        long nanos = System.nanoTime();
        String instance = settings.instanceId();
        for (Cluster c : s.clusters()) {
            for (Endpoint e : c.loadBalancer().endpoints().all()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("version", ControlMessages.VERSION);
                m.put("instance", instance);
                m.put("cluster", c.name());
                m.put("backend", e.id());
                m.put("in-flight", Math.max(0, e.load().inFlight()));
                m.put("latency-ewma-ms", e.load().latencyNanos(nanos) / 1e6);
                m.put("timestamp", nowMillis);
                counters.get(Counter.VIEW_REPORTS).incrementAndGet();
                offer(settings.topics().loadView(), instance + "/" + c.name() + "/" + e.id(), m);
            }
        }
    }

    /** Most keys one rate-usage report carries (the most offered first): about 60 bytes each, under 1 MB. */
    static final int MAX_REPORTED_KEYS = 10_000;

    /**
     * For every {@code scope: global} rate limit: takes this interval's usage, moves the shares from
     * it and the peers' last reports ({@link RateUsageView#rebalance}), and publishes it (even with
     * no active key, so the peers count this instance and its own report echoes back).
     */
    private void publishUsage(long nowMillis) {
        RoutingSnapshot s = proxy.snapshot();
        if (s == null) {
            return;
        }
        String instance = settings.instanceId();
        for (Map.Entry<String, io.sluice.algorithms.ratelimit.GlobalRateLimiter> e : s.globalLimits().entrySet()) {
            long nanos = System.nanoTime();
            Map<String, io.sluice.algorithms.ratelimit.GlobalRateLimiter.Usage> usage = e.getValue().takeUsage(nanos);
            if (!rateUsage.rebalance(e.getKey(), e.getValue(), usage, nanos)) {
                counters.get(Counter.RATE_SHARES_FROZEN).incrementAndGet();
            }
            List<Map.Entry<String, io.sluice.algorithms.ratelimit.GlobalRateLimiter.Usage>> keys =
                    new ArrayList<>(usage.entrySet());
            if (keys.size() > MAX_REPORTED_KEYS) {
                keys.sort((a, b) -> Double.compare(b.getValue().offered(), a.getValue().offered()));
                keys = keys.subList(0, MAX_REPORTED_KEYS);
            }
            List<ControlMessages.KeyUsage> out = new ArrayList<>(keys.size());
            for (var k : keys) {
                out.add(new ControlMessages.KeyUsage(k.getKey(), k.getValue().offered(), k.getValue().admitted()));
            }
            counters.get(Counter.RATE_USAGE_REPORTS).incrementAndGet();
            offer(settings.topics().rateUsage(), instance + "/" + e.getKey(), new ControlMessages.RateUsageReport(
                    ControlMessages.VERSION, instance, e.getKey(), nowMillis, out));
        }
    }

    /** Health transitions and ejections as the pickers see them, as events. */
    private void scanHealth(Map<String, String> last) {
        RoutingSnapshot s = proxy.snapshot();
        if (s == null) {
            return;
        }
        Map<String, String> now = new HashMap<>();
        for (Cluster c : s.clusters()) {
            for (Endpoint e : c.loadBalancer().endpoints().all()) {
                String key = c.name() + "/" + e.id();
                String state = e.health().name().toLowerCase(java.util.Locale.ROOT);
                now.put(key, state);
                String was = last.get(key);
                if (was != null && !was.equals(state)) {
                    event("health-transition", c.name(), e.id(), Map.of("from", was, "to", state));
                }
            }
        }
        last.clear();
        last.putAll(now);
    }

    private Map<String, Object> snapshot(long nowMillis) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", ControlMessages.VERSION);
        m.put("instance", settings.instanceId());
        m.put("timestamp", nowMillis);
        List<Map<String, Object>> backends = new ArrayList<>();
        RoutingSnapshot s = proxy.snapshot();
        long nanos = System.nanoTime();
        Collection<Cluster> clusters = s == null ? List.of() : s.clusters();
        for (Cluster c : clusters) {
            for (Endpoint e : c.loadBalancer().endpoints().all()) {
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("cluster", c.name());
                b.put("backend", e.id());
                b.put("in-flight", e.load().inFlight());
                b.put("remote-in-flight", e.load().remoteInFlight());
                b.put("latency-ewma-ms", e.load().latencyNanos(nanos) / 1e6);
                b.put("completed", e.load().completed());
                b.put("failed", e.load().failed());
                b.put("health", e.health().name().toLowerCase(java.util.Locale.ROOT));
                b.put("weight", c.weight(e.id()));
                backends.add(b);
            }
        }
        m.put("backends", backends);
        Map<String, Long> kafka = new LinkedHashMap<>();
        for (Counter c : Counter.values()) {
            kafka.put(c.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), count(c));
        }
        kafka.put("consumer-lag", lag);
        m.put("kafka", kafka);
        return m;
    }

    private void logOnce(String kind, String message) {
        if (loggedKinds.add(kind)) {
            LOG.warn(message);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
