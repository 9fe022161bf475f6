package io.sluice.config.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.config.OldKeys;
import java.time.Duration;

/**
 * {@code outlier-detection:} passive outlier detection; present means on, absent means off (as in
 * Envoy). Every default and range: {@link io.sluice.algorithms.health.OutlierConfig}.
 */
@OldKeys({"consecutiveFailures = consecutive-5xx (the same count: 5xx, connect failures, resets and timeouts"
        + " in a row)", "consecutive-failures = consecutive-5xx", "maxEjectedPercent = max-ejection-percent",
        "max-ejected-percent = max-ejection-percent"})
public record OutlierSection(@JsonProperty("consecutive-5xx") Long consecutive5xx, Long consecutiveGatewayFailure,
                             Duration interval, Duration baseEjectionTime, Duration maxEjectionTime,
                             Long maxEjectionPercent, Boolean alwaysEjectOneHost, Double latencyFactor,
                             Long latencyMinimumRequests, Long latencyMinimumHosts, Duration ewmaDecay) {
}
