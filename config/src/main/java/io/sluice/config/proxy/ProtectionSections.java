package io.sluice.config.proxy;

import io.sluice.config.ByteSize;
import io.sluice.config.Rate;
import java.util.List;
import java.util.Map;

/** The file form of the protection keys of listeners and routes ({@code rate-limits:}, {@code accept-limits:}). */
public final class ProtectionSections {
    private ProtectionSections() {
    }

    /**
     * One {@code rate-limits:} entry.
     *
     * @param name      shown in the RateLimit headers and metrics; default: the key written out
     * @param rate      the sustained rate, like {@code 10/s}
     * @param burst     requests at once, default one second's worth (at least 1)
     * @param algorithm {@code token-bucket} (default) or {@code gcra}
     * @param key       the key's parts, default {@code [client-ip]}
     * @param maxKeys   keys held at most, default 100000
     * @param scope     {@code local} (default: this instance's own limit) or {@code global} (a limit for
     *                  the whole fleet, shared through the {@code kafka:} control plane)
     */
    public record RateLimitSection(String name, Rate rate, Long burst, String algorithm, List<String> key,
                                   Long maxKeys, String scope) {
    }

    /**
     * {@code accept-limits:} new connections per second, for reconnect storms.
     *
     * @param rate           for the whole listener
     * @param burst          of {@code rate}
     * @param perSource      for each client address
     * @param perSourceBurst of {@code perSource}
     * @param maxSources     client addresses held at most, default 100000
     */
    public record AcceptLimitsSection(Rate rate, Long burst, Rate perSource, Long perSourceBurst, Long maxSources) {
    }

    /**
     * One {@code filters:} entry.
     *
     * @param name   default its position
     * @param match  conditions, all must hold; absent: every request
     * @param action {@code deny} or {@code allow}
     * @param status a deny's status, default 403
     */
    public record FilterSection(String name, FilterMatchSection match, String action, Long status) {
    }

    /** A filter's {@code match:}. */
    public record FilterMatchSection(List<String> source, List<String> methods, String host, String path,
                                     String pathPrefix, String pathRegex, Map<String, String> headers,
                                     Map<String, String> headerRegex, Map<String, String> query,
                                     ByteSize bodyLargerThan) {
    }
}
