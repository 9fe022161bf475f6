package io.sluice.config.policy;

import java.time.Duration;

/** {@code timeouts:} a cluster's attempt timeouts; see {@link io.sluice.algorithms.policy.Timeouts}. */
public record TimeoutsSection(Duration connect, Duration response) {
}
