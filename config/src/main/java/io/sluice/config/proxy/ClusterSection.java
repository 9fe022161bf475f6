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

    /**
     * {@code upstream:}: how the backends are spoken to; {@code protocol} is {@code http1}, {@code h2c} or
     * {@code h2} (HTTP/2 over TLS, needs {@code tls}); {@code tls} present means TLS to the backends.
     */
    public record UpstreamSection(String protocol, UpstreamTlsSection tls) {
        /** As written before {@code tls} existed (tests). */
        public UpstreamSection(String protocol) {
            this(protocol, null);
        }
    }

    /**
     * {@code upstream.tls:}: TLS to the backends.
     *
     * @param ca          PEM bundle of the CAs a backend's certificate must chain to; the JDK's default
     *                    trust store when absent
     * @param serverName  the SNI name sent and the name the certificate must carry; the backend's host
     *                    when absent
     * @param verify      false skips verifying the backend's certificate (must be written; logged)
     * @param certificate PEM client certificate chain, for backends that ask for one (mTLS)
     * @param key         PEM private key of {@code certificate}
     */
    public record UpstreamTlsSection(String ca, String serverName, Boolean verify, String certificate, String key) {
    }

    /** One backend of a cluster; {@code id} is also what the affinity cookie carries. */
    public record BackendSection(String id, HostPort address, Long weight, String zone) {
    }
}
