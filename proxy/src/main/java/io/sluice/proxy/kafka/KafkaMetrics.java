package io.sluice.proxy.kafka;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;

/** The control plane's figures on /metrics: messages by topic kind and result, drops, consumer lag. */
final class KafkaMetrics {
    private KafkaMetrics() {
    }

    static void register(PrometheusRegistry registry, KafkaControlPlane cp) {
        try {
            CounterWithCallback.builder().name("sluice_kafka_messages_total")
                    .help("control-plane messages read, by kind and result")
                    .labelNames("kind", "result")
                    .callback(cb -> {
                        cb.call(cp.count(KafkaControlPlane.Counter.MEMBERSHIP_APPLIED), "membership", "applied");
                        cb.call(cp.count(KafkaControlPlane.Counter.HEALTH_APPLIED), "health", "applied");
                        cb.call(cp.count(KafkaControlPlane.Counter.LOAD_APPLIED), "load", "applied");
                        cb.call(cp.count(KafkaControlPlane.Counter.LOAD_STALE), "load", "stale");
                        cb.call(cp.count(KafkaControlPlane.Counter.LOAD_UNKNOWN_BACKEND), "load", "unknown_backend");
                        cb.call(cp.count(KafkaControlPlane.Counter.VIEW_APPLIED), "load_view", "applied");
                        cb.call(cp.count(KafkaControlPlane.Counter.VIEW_STALE), "load_view", "stale");
                        cb.call(cp.count(KafkaControlPlane.Counter.RATE_USAGE_APPLIED), "rate_usage", "applied");
                        cb.call(cp.count(KafkaControlPlane.Counter.RATE_USAGE_STALE), "rate_usage", "stale");
                    }).register(registry);
            CounterWithCallback.builder().name("sluice_kafka_messages_skipped_total")
                    .help("control-plane messages skipped as malformed or of an unknown version")
                    .labelNames("reason")
                    .callback(cb -> {
                        cb.call(cp.count(KafkaControlPlane.Counter.MALFORMED), "malformed");
                        cb.call(cp.count(KafkaControlPlane.Counter.UNKNOWN_VERSION), "unknown_version");
                    }).register(registry);
            CounterWithCallback.builder().name("sluice_kafka_published_total")
                    .help("events, metric snapshots and access-log records, by result")
                    .labelNames("result")
                    .callback(cb -> {
                        for (KafkaControlPlane.Counter c : new KafkaControlPlane.Counter[] {
                                KafkaControlPlane.Counter.PUBLISHED, KafkaControlPlane.Counter.PUBLISH_DROPPED,
                                KafkaControlPlane.Counter.PUBLISH_FAILED}) {
                            cb.call(cp.count(c), c == KafkaControlPlane.Counter.PUBLISHED ? "sent"
                                    : c.name().substring("PUBLISH_".length()).toLowerCase(Locale.ROOT));
                        }
                    }).register(registry);
            CounterWithCallback.builder().name("sluice_kafka_load_view_reports_total")
                    .help("this instance's own load-view reports queued for the load-view topic")
                    .callback(cb -> cb.call(cp.count(KafkaControlPlane.Counter.VIEW_REPORTS))).register(registry);
            CounterWithCallback.builder().name("sluice_kafka_load_view_age_milliseconds_total")
                    .help("ages on arrival of the peers' applied load-view reports, summed (divide by"
                            + " sluice_kafka_messages_total{kind=\"load_view\",result=\"applied\"} for the mean delay)")
                    .callback(cb -> cb.call(cp.count(KafkaControlPlane.Counter.VIEW_AGE_MILLIS))).register(registry);
            CounterWithCallback.builder().name("sluice_kafka_rate_usage_reports_total")
                    .help("this instance's own usage reports of its global rate limits queued for the rate-usage topic")
                    .callback(cb -> cb.call(cp.count(KafkaControlPlane.Counter.RATE_USAGE_REPORTS))).register(registry);
            CounterWithCallback.builder().name("sluice_kafka_rate_shares_frozen_total")
                    .help("global rate-limit rebalances skipped (shares kept) because Kafka was away")
                    .callback(cb -> cb.call(cp.count(KafkaControlPlane.Counter.RATE_SHARES_FROZEN))).register(registry);
            CounterWithCallback.builder().name("sluice_kafka_membership_reloads_total")
                    .help("reloads made by membership and health updates, by result")
                    .labelNames("result")
                    .callback(cb -> {
                        cb.call(cp.count(KafkaControlPlane.Counter.RELOADS), "applied");
                        cb.call(cp.count(KafkaControlPlane.Counter.RELOAD_FAILURES), "failed");
                    }).register(registry);
            GaugeWithCallback.builder().name("sluice_kafka_consumer_lag")
                    .help("messages behind the end of the membership, health and load topics")
                    .callback(cb -> cb.call(cp.consumerLag())).register(registry);
        } catch (IllegalArgumentException alreadyThere) {
            // A second control plane on the same proxy: the first one's figures stay exported.
        }
    }
}
