package io.sluice.config.proxy;

import java.time.Duration;
import java.util.List;

/**
 * The proxy config file as written: every key, kebab-case, bound as is; {@link ProxyConfigs} checks it
 * and builds the {@link ProxyConfig} the proxy runs. Every key with its default is in
 * {@code proxy/sluice-proxy.example.yaml} and {@code schema/sluice-proxy.schema.json}.
 */
public record ProxyFile(AdminSection admin, Long workers, AccessLogSection accessLog, Duration drainTimeout,
                        List<ListenerSection> listeners, List<ClusterSection> clusters) {

    /** {@code admin:} where the admin API listens. */
    public record AdminSection(io.sluice.config.HostPort listen) {
    }

    /** {@code access-log:} {@code path} is "-" (stdout), "off", or a file path. */
    public record AccessLogSection(String path) {
    }
}
