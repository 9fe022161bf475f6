package io.sluice.config.policy;

import io.sluice.config.OldKeys;

/**
 * {@code retries:} see {@link io.sluice.algorithms.policy.RetryPolicy} for every default, range and
 * the rules of which failures are retried.
 */
@OldKeys({"attempts = max-retries (the same number: retries after the first attempt)",
        "max-attempts = max-retries, which counts retries only: max-attempts N is max-retries N-1",
        "budget = budget-percent: the budget is now Envoy's, retries under way as a percentage of requests"
                + " under way (e.g. budget: 0.2 becomes budget-percent: 20)",
        "on-timeout = idempotent-only: false (retry timeouts of every method); by default a timeout is retried"
                + " only for an idempotent request-method"})
public record RetriesSection(Long maxRetries, Long budgetPercent, Long minRetryConcurrency, Boolean idempotentOnly,
                             java.util.List<String> grpcRetryOn) {
}
