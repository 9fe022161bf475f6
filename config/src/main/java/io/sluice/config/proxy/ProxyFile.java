package io.sluice.config.proxy;

import java.time.Duration;
import java.util.List;

/**
 * The proxy config file as written: every key, kebab-case, bound as is; {@link ProxyConfigs} checks it
 * and builds the {@link ProxyConfig} the proxy runs. Every key with its default is in
 * {@code proxy/sluice-proxy.example.yaml} and {@code schema/sluice-proxy.schema.json}.
 */
public record ProxyFile(AdminSection admin, Long workers, AccessLogSection accessLog, Duration drainTimeout,
                        List<ListenerSection> listeners, List<ClusterSection> clusters, KafkaSection kafka,
                        OverloadSection overload) {

    /**
     * {@code overload:} the proxy's own overload control; each resource section present is watched.
     * See {@link ProxyConfig.Overload}.
     */
    public record OverloadSection(Duration interval, Double hysteresis, DelaySection eventLoopDelay,
                                  HeapSection heap) {
    }

    /** {@code overload.event-loop-delay:} how late a timer on an event loop may run before each action. */
    public record DelaySection(Duration stopAccepting, Duration shed) {
    }

    /** {@code overload.heap:} the heap in use, as a fraction of the maximum heap, before each action. */
    public record HeapSection(Double stopAccepting, Double shed) {
    }

    /** {@code admin:} where the admin API listens. */
    public record AdminSection(io.sluice.config.HostPort listen) {
    }

    /** {@code access-log:} {@code path} is "-" (stdout), "off", or a file path. */
    public record AccessLogSection(String path) {
    }

    /**
     * {@code kafka:} the control plane (docs/kafka.md). {@code properties} pass through to the Kafka
     * clients as written (SASL, SSL, timeouts).
     */
    public record KafkaSection(String bootstrapServers, java.util.Map<String, String> properties, String instanceId,
                               TopicsSection topics, Duration loadStaleness, Duration membershipStaleness,
                               Duration metricsInterval, Double accessLogSample, Long accessLogMinStatus,
                               Long bufferSize, LoadViewSection loadView, RateUsageSection rateUsage) {
    }

    /**
     * {@code kafka.rate-usage:} the usage of the {@code scope: global} rate limits the instances share: how
     * often this one publishes it and moves its shares ({@code interval}), and how long a peer's report
     * counts ({@code staleness}).
     */
    public record RateUsageSection(Duration interval, Duration staleness) {
    }

    /**
     * {@code kafka.load-view:} the load view shared by the proxy instances: how often this one publishes
     * its per-backend in-flight counts ({@code interval}, 0 = off) and how long a peer's report counts
     * ({@code staleness}). The simulator's {@code load-balancer.load-view} has the same keys.
     */
    public record LoadViewSection(Duration interval, Duration staleness) {
    }

    /** {@code kafka.topics:} the topic names; each defaults to {@code sluice.<key>}. */
    public record TopicsSection(String membership, String load, String health, String events, String metrics,
                                String accessLog, String loadView, String rateUsage) {
    }
}
