package io.sluice.config.policy;

import io.sluice.config.OldKeys;
import java.time.Duration;

/**
 * {@code health-check:} active health checks; present means on (unless {@code type: none}). Every
 * default and range: {@link io.sluice.algorithms.policy.HealthCheckPolicy}.
 */
@OldKeys({"expectStatus = expect-status", "work = backends[].health-check-work (the work of answering a"
        + " check is part of the backend's capacity model)"})
public record HealthCheckSection(String type, String path, Duration interval, Duration fastinter, Duration downinter,
                                 Duration timeout, Long rise, Long fall, String expectStatus, String initialState,
                                 String service) {
}
