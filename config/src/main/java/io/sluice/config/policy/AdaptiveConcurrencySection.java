package io.sluice.config.policy;

/**
 * {@code adaptive-concurrency:} a limit on a cluster's requests in flight that follows its latency
 * (the gradient algorithm); {@code enabled} is true unless written false, so a present section is on.
 * Each other key is a parameter of {@link io.sluice.algorithms.concurrency.GradientLimit.Settings}
 * with its default and range there.
 */
public record AdaptiveConcurrencySection(Boolean enabled, Long initialLimit, Long minLimit, Long maxLimit,
                                         Double tolerance, Double smoothing, Long sampleSize, Long probeEvery,
                                         Long probeLimit) {
}
