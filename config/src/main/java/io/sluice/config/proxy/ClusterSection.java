package io.sluice.config.proxy;

import io.sluice.config.HostPort;
import io.sluice.config.policy.AdaptiveConcurrencySection;
import io.sluice.config.policy.HealthCheckSection;
import io.sluice.config.policy.OutlierSection;
import io.sluice.config.policy.RetriesSection;
import io.sluice.config.policy.SessionPersistenceSection;
import io.sluice.config.policy.StrategySection;
import io.sluice.config.policy.TimeoutsSection;
import java.time.Duration;
import java.util.List;

/**
 * One {@code clusters:} entry: a name, its backends, and the policy sections that both runtimes read
 * ({@link io.sluice.config.policy}), and where its membership comes from ({@code static}, {@code kafka} or
 * {@code both}).
 */
public record ClusterSection(String name, StrategySection strategy, List<BackendSection> backends,
                             SessionPersistenceSection sessionPersistence, HealthCheckSection healthCheck,
                             OutlierSection outlierDetection, TimeoutsSection timeouts, RetriesSection retries,
                             Duration pickerRefresh, Duration ewmaDecay, String membership,
                             AdaptiveConcurrencySection adaptiveConcurrency, UpstreamSection upstream) {

    /** {@code upstream:}: how the backends are spoken to; {@code protocol} is {@code http1} or {@code h2c}. */
    public record UpstreamSection(String protocol) {
    }

    /** One backend of a cluster; {@code id} is also what the affinity cookie carries. */
    public record BackendSection(String id, HostPort address, Long weight, String zone) {
    }
}
