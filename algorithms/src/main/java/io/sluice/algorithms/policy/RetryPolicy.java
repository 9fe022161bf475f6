package io.sluice.algorithms.policy;

import io.sluice.algorithms.Range;
import io.sluice.algorithms.SettingException;

import java.util.Objects;

/**
 * When a failed attempt is tried again on another backend, and how many retries may be under way
 * at once. Immutable, compared by value; {@link #builder()} rejects bad values with a
 * {@link SettingException}.
 *
 * <pre>
 *   max-retries            2     retries after the first attempt, 0 to 10 (Envoy's num_retries,
 *                                HAProxy's retries): max-retries 2 is up to 3 attempts
 *   budget-percent         20    retries under way at most this % of requests under way, 0 to 100
 *   min-retry-concurrency  3     ...but this many are always allowed, 0 to 10000
 *   idempotent-only        true  a timeout or bad response is retried only for an idempotent method
 *   grpc-retry-on          []    gRPC statuses a backend answers that are retried: unavailable,
 *                                cancelled, resource-exhausted, deadline-exceeded, internal
 * </pre>
 *
 * <h2>Which failures are retried: {@link #decide}</h2>
 * Both runtimes call this one function with what they know of the attempt; in order:
 * <ol>
 *   <li>once any response byte reached the client, never ({@link RetryDecision#RESPONSE_STARTED});</li>
 *   <li>after {@code max-retries} retries, never;</li>
 *   <li>once a request body byte was sent upstream, never: a streamed body is not kept;</li>
 *   <li>a connect failure or a reset before any response byte: always (the request never reached
 *       the backend's application, or got no answer from it at all);</li>
 *   <li>a timeout or a bad response: only for an idempotent method (RFC 9110: GET, HEAD, OPTIONS,
 *       TRACE, PUT, DELETE), unless {@code idempotent-only} is false: the backend may have acted.</li>
 * </ol>
 * A 5xx response is passed to the client, never retried (HAProxy's default {@code retry-on};
 * Envoy's {@code connect-failure,reset}): retrying a 503 from an overloaded fleet is how retry
 * storms start. The retry goes to a backend the request has not tried ({@link RetryTarget}); when
 * none is left (a hash that keeps answering the failed backend, a one-backend cluster) the request
 * fails instead.
 *
 * <h2>gRPC statuses: {@link #decideGrpcStatus}</h2>
 * Envoy's {@code retry_on: unavailable, cancelled, ...} for gRPC: a backend's trailers-only answer
 * (no message, just {@code grpc-status}) whose status is in {@code grpc-retry-on} is retried on
 * another backend, within {@code max-retries} and the budget like a timeout's retry, but only when
 * the request body can be sent again (the caller kept a copy of all of it) and nothing of the
 * answer reached the client. Empty by default: like a 5xx, a status is the backend's answer, and
 * only the operator knows that the service's calls are safe to repeat (UNAVAILABLE from grpc-java
 * means the call did not start on that server; CANCELLED or INTERNAL may not).
 *
 * <h2>The budget: {@link RetryBudget}</h2>
 * Envoy's retry budget: retries under way may be at most {@code budget-percent}% of the requests
 * under way, but {@code min-retry-concurrency} are always allowed, so a quiet cluster can still
 * retry: {@code allowed = max(min, floor(active * percent / 100))}. Worked example: 40 requests
 * under way at 20% allow max(3, 8) = 8 concurrent retries. A connect failure's retry takes no
 * place in it: the failed backend never served the request, so the retry adds no load.
 */
public final class RetryPolicy {
    /** {@code max-retries}: 0 to 10. */
    public static final Range MAX_RETRIES = Range.wholeNumber(0, 10);
    /** {@code budget-percent}: 0 to 100. */
    public static final Range BUDGET_PERCENT = Range.wholeNumber(0, 100);
    /** {@code min-retry-concurrency}: 0 to 10000. */
    public static final Range MIN_RETRY_CONCURRENCY = Range.wholeNumber(0, 10_000);
    public static final int DEFAULT_MAX_RETRIES = 2;
    public static final int DEFAULT_BUDGET_PERCENT = 20;
    /** Envoy's {@code min_retry_concurrency} default. */
    public static final int DEFAULT_MIN_RETRY_CONCURRENCY = 3;

    private static final RetryPolicy DEFAULTS = builder().build();
    private static final RetryPolicy NONE = builder().maxRetries(0).build();

    private final int maxRetries;
    private final int budgetPercent;
    private final int minRetryConcurrency;
    private final boolean idempotentOnly;
    /** Bit {@code 1 << code} for each gRPC status code in {@code grpc-retry-on}. */
    private final int grpcRetryOn;

    /** The gRPC statuses {@code grpc-retry-on} may name, by config name, with their codes. */
    public static final java.util.Map<String, Integer> GRPC_RETRYABLE = java.util.Map.of(
            "cancelled", 1, "deadline-exceeded", 4, "resource-exhausted", 8, "internal", 13, "unavailable", 14);

    private RetryPolicy(Builder b) {
        this.grpcRetryOn = b.grpcRetryOn;
        this.maxRetries = b.maxRetries;
        this.budgetPercent = b.budgetPercent;
        this.minRetryConcurrency = b.minRetryConcurrency;
        this.idempotentOnly = b.idempotentOnly;
    }

    /** Every default above: up to 2 retries within a 20% budget, timeouts only for idempotent methods. */
    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    /** No retries at all ({@code max-retries: 0}). */
    public static RetryPolicy none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Retries after the first attempt; 0 turns retries off. */
    public int maxRetries() {
        return maxRetries;
    }

    public int budgetPercent() {
        return budgetPercent;
    }

    public int minRetryConcurrency() {
        return minRetryConcurrency;
    }

    public boolean idempotentOnly() {
        return idempotentOnly;
    }

    /** Whether {@code grpc-retry-on} names gRPC status {@code code}. */
    public boolean retriesGrpcStatus(int code) {
        return code >= 0 && code < 32 && (grpcRetryOn & 1 << code) != 0;
    }

    /** Whether {@code grpc-retry-on} names any status. */
    public boolean retriesGrpcStatuses() {
        return grpcRetryOn != 0;
    }

    /**
     * Whether a backend's trailers-only gRPC answer with {@code grpcStatus} is retried on another
     * backend, by the rules in the class comment (the budget is the caller's next step; such a
     * retry always spends a place). Pure.
     *
     * @param bodyReplayable   the caller holds the whole request body and can send it again
     * @param responseStarted  a response byte was written to the client
     */
    public RetryDecision decideGrpcStatus(int grpcStatus, int retriesSoFar, boolean bodyReplayable,
                                          boolean responseStarted) {
        if (responseStarted) {
            return RetryDecision.RESPONSE_STARTED;
        }
        if (!retriesGrpcStatus(grpcStatus)) {
            return RetryDecision.STATUS_NOT_RETRIED;
        }
        if (retriesSoFar >= maxRetries) {
            return RetryDecision.NO_RETRIES_LEFT;
        }
        return bodyReplayable ? RetryDecision.RETRY : RetryDecision.BODY_SENT;
    }

    /**
     * Whether a failed attempt may be retried, by the rules in the class comment; the budget is
     * the caller's next step ({@link RetryBudget#tryStartRetry}). Pure.
     *
     * @param failure          how the attempt failed
     * @param retriesSoFar     retries this request has had (0 after its first attempt failed)
     * @param idempotent       the request's method is idempotent
     * @param requestBodySent  a request body byte was written to the backend
     * @param responseStarted  a response byte was written to the client
     */
    public RetryDecision decide(AttemptFailure failure, int retriesSoFar, boolean idempotent, boolean requestBodySent,
                                boolean responseStarted) {
        Objects.requireNonNull(failure, "failure");
        if (responseStarted) {
            return RetryDecision.RESPONSE_STARTED;
        }
        if (retriesSoFar >= maxRetries) {
            return RetryDecision.NO_RETRIES_LEFT;
        }
        if (requestBodySent) {
            return RetryDecision.BODY_SENT;
        }
        return switch (failure) {
            case CONNECT_FAILURE, RESET -> RetryDecision.RETRY;
            case TIMEOUT, BAD_RESPONSE -> !idempotentOnly || idempotent ? RetryDecision.RETRY
                    : RetryDecision.NOT_IDEMPOTENT;
        };
    }

    /** Whether a retry after {@code failure} takes a place in the budget; see the class comment. */
    public static boolean spendsBudget(AttemptFailure failure) {
        return failure != AttemptFailure.CONNECT_FAILURE;
    }

    /**
     * The retries allowed under way with {@code activeRequests} requests under way:
     * {@code max(min-retry-concurrency, floor(activeRequests * budget-percent / 100))}.
     */
    public int allowedRetries(int activeRequests) {
        return (int) Math.max(minRetryConcurrency, (long) Math.max(0, activeRequests) * budgetPercent / 100);
    }

    /**
     * RFC 9110 section 9.2.2: GET, HEAD, OPTIONS, TRACE, PUT and DELETE are idempotent; POST,
     * PATCH, CONNECT and unknown methods are not.
     */
    public static boolean isIdempotent(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetryPolicy p && maxRetries == p.maxRetries && budgetPercent == p.budgetPercent
                && minRetryConcurrency == p.minRetryConcurrency && idempotentOnly == p.idempotentOnly
                && grpcRetryOn == p.grpcRetryOn;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxRetries, budgetPercent, minRetryConcurrency, idempotentOnly, grpcRetryOn);
    }

    @Override
    public String toString() {
        return maxRetries == 0 ? "no retries" : "max-retries " + maxRetries + ", budget " + budgetPercent
                + "% (at least " + minRetryConcurrency + ")" + (idempotentOnly ? "" : ", timeouts of any method")
                + (grpcRetryOn == 0 ? "" : ", gRPC statuses " + grpcNames());
    }

    private String grpcNames() {
        return GRPC_RETRYABLE.entrySet().stream().filter(e -> retriesGrpcStatus(e.getValue()))
                .map(java.util.Map.Entry::getKey).sorted().toList().toString();
    }

    /** Collects settings. */
    public static final class Builder {
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private int budgetPercent = DEFAULT_BUDGET_PERCENT;
        private int minRetryConcurrency = DEFAULT_MIN_RETRY_CONCURRENCY;
        private boolean idempotentOnly = true;
        private int grpcRetryOn;

        private Builder() {
        }

        /**
         * @param names gRPC statuses to retry, each a key of {@link #GRPC_RETRYABLE}
         *              ({@code unavailable}, {@code cancelled}, ...)
         */
        public Builder grpcRetryOn(java.util.Collection<String> names) {
            int bits = 0;
            for (String name : names) {
                Integer code = GRPC_RETRYABLE.get(name);
                if (code == null) {
                    throw new SettingException("grpc-retry-on", "'" + name + "' is not allowed; one of "
                            + GRPC_RETRYABLE.keySet().stream().sorted().toList());
                }
                bits |= 1 << code;
            }
            this.grpcRetryOn = bits;
            return this;
        }

        public Builder maxRetries(int n) {
            this.maxRetries = MAX_RETRIES.checkInt("max-retries", n);
            return this;
        }

        public Builder budgetPercent(int percent) {
            this.budgetPercent = BUDGET_PERCENT.checkInt("budget-percent", percent);
            return this;
        }

        public Builder minRetryConcurrency(int n) {
            this.minRetryConcurrency = MIN_RETRY_CONCURRENCY.checkInt("min-retry-concurrency", n);
            return this;
        }

        public Builder idempotentOnly(boolean only) {
            this.idempotentOnly = only;
            return this;
        }

        public RetryPolicy build() {
            return new RetryPolicy(this);
        }
    }
}
