package io.sluice.config.scenario;

import io.sluice.config.OldKeys;
import io.sluice.config.policy.AdaptiveConcurrencySection;
import io.sluice.config.policy.HealthCheckSection;
import io.sluice.config.policy.OutlierSection;
import io.sluice.config.policy.RetriesSection;
import io.sluice.config.policy.SessionPersistenceSection;
import io.sluice.config.policy.TimeoutsSection;
import io.sluice.config.proxy.ProtectionSections.RateLimitSection;
import java.time.Duration;
import java.util.List;

/**
 * {@code load-balancer:} the simulated tier: how many instances and the network, as the scenario
 * models them, and the cluster policy sections a proxy config has too (health checks, outlier
 * detection, timeouts, retries, session persistence, picker refresh, EWMA decay), read by the same
 * code. With a {@code proxy-config} the policy comes from there and these keys are refused.
 *
 * <p>{@code rate-limits} are a proxy route's (the same entries, read by the same code), applied by
 * every instance to each request before it picks; {@code adaptive-concurrency} is the cluster's.
 */
@OldKeys({"timeout = timeouts.response (each attempt's response timeout; 30s when not given)",
        "connect-timeout = timeouts.connect"})
public record LoadBalancerSection(Long instances, DistributionSection networkDelay,
                                  Duration utilisationReportInterval, TimeoutsSection timeouts,
                                  RetriesSection retries, HealthCheckSection healthCheck,
                                  OutlierSection outlierDetection, SessionPersistenceSection sessionPersistence,
                                  Duration pickerRefresh, Duration ewmaDecay,
                                  AdaptiveConcurrencySection adaptiveConcurrency,
                                  List<RateLimitSection> rateLimits, LoadViewSection loadView) {

    /**
     * {@code load-balancer.load-view:} the load view the instances share through the control plane
     * (docs/kafka.md). {@code interval} and {@code staleness} mean what the proxy's
     * {@code kafka.load-view.interval} and {@code .staleness} mean; {@code delay} (report produced to
     * report consumed), {@code consumer-lag} (how far behind every consumer runs) and {@code outage}
     * (a window in which the channel delivers nothing) model the channel.
     */
    public record LoadViewSection(Duration interval, Duration staleness, DistributionSection delay,
                                  Duration consumerLag, OutageSection outage) {
    }

    /** {@code load-view.outage:} from {@code at} for {@code duration}, nothing is delivered. */
    public record OutageSection(Duration at, Duration duration) {
    }
}
