package io.sluice.config.policy;

/**
 * {@code adaptive-concurrency:} a cluster's limit on requests in flight that follows measured
 * latency (the gradient algorithm, {@link io.sluice.algorithms.concurrency.GradientLimit}, whose
 * Javadoc has the formula). The same block in a proxy config's cluster and in a scenario's
 * {@code load-balancer}, read by {@link PolicyReader}; every key but {@code enabled} is one of
 * {@link io.sluice.algorithms.concurrency.GradientLimit.Settings}, kebab-case, with its default from
 * {@code Settings.defaults()}.
 *
 * @param enabled      whether the limit applies; default true when the block is given
 * @param initialLimit the limit before the first sample, default 20
 * @param minLimit     the least limit, default 3
 * @param maxLimit     the greatest limit, default 1000
 * @param tolerance    how far above the minimum latency the sample may be before the limit shrinks,
 *                     default 1.5
 * @param smoothing    the weight of a new target, default 0.2
 * @param sampleSize   completed requests per window, default 50
 * @param probeEvery   windows between minimum-latency probes, default 60
 * @param probeLimit   the limit during a probe, default 3
 */
public record AdaptiveConcurrencySection(Boolean enabled, Long initialLimit, Long minLimit, Long maxLimit,
                                         Double tolerance, Double smoothing, Long sampleSize, Long probeEvery,
                                         Long probeLimit) {
}
