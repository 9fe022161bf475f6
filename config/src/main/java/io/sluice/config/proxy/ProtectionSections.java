package io.sluice.config.proxy;

import io.sluice.config.Rate;
import java.util.List;

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
     */
    public record RateLimitSection(String name, Rate rate, Long burst, String algorithm, List<String> key,
                                   Long maxKeys) {
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
}
