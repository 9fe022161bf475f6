package io.sluice.config.proxy;

import io.sluice.config.ByteSize;
import io.sluice.config.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A {@code protocol: http} listener: HTTP/1.1 with request limits, timeouts and routes. */
public record HttpListenerSection(String name, HostPort bind, Long maxConnections, LimitsSection limits,
                                  TimeoutsSection timeouts, List<RouteSection> routes, TlsSection tls,
                                  List<ProtectionSections.FilterSection> filters,
                                  List<ProtectionSections.RateLimitSection> rateLimits,
                                  ProtectionSections.AcceptLimitsSection acceptLimits,
                                  JwtSection jwt) implements ListenerSection {

    /** {@code limits:} what a request may be at most before it is refused. */
    public record LimitsSection(ByteSize maxRequestLine, ByteSize maxHeaderBytes, Long maxHeaders,
                                ByteSize maxBodyBytes) {
    }

    /** {@code timeouts:} of the client side. */
    public record TimeoutsSection(Duration requestHeaders, Duration idle, Duration stall) {
    }

    /** One {@code routes:} entry: requests matching {@code match} go to {@code cluster}. */
    public record RouteSection(String name, MatchSection match, String cluster,
                               List<ProtectionSections.FilterSection> filters,
                               List<ProtectionSections.RateLimitSection> rateLimits) {
    }

    /** {@code match:} conditions a request must all meet. */
    public record MatchSection(String host, String pathPrefix, List<String> methods, Map<String, String> headers) {
    }
}
