package io.sluice.algorithms.policy;

import static io.sluice.algorithms.policy.AttemptFailure.BAD_RESPONSE;
import static io.sluice.algorithms.policy.AttemptFailure.CONNECT_FAILURE;
import static io.sluice.algorithms.policy.AttemptFailure.RESET;
import static io.sluice.algorithms.policy.AttemptFailure.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.algorithms.SettingException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    @Test
    void defaultsAreTwoRetriesInATwentyPercentBudgetIdempotentTimeoutsOnly() {
        RetryPolicy p = RetryPolicy.defaults();
        assertThat(p.maxRetries()).isEqualTo(2);
        assertThat(p.budgetPercent()).isEqualTo(20);
        assertThat(p.minRetryConcurrency()).isEqualTo(3);
        assertThat(p.idempotentOnly()).isTrue();
        assertThat(RetryPolicy.none().maxRetries()).isZero();
    }

    @Test
    void maxRetriesCountsRetriesNotAttempts() {
        RetryPolicy two = RetryPolicy.builder().maxRetries(2).build();
        assertThat(two.decide(CONNECT_FAILURE, 0, false, false, false)).isEqualTo(RetryDecision.RETRY);
        assertThat(two.decide(CONNECT_FAILURE, 1, false, false, false)).isEqualTo(RetryDecision.RETRY);
        assertThat(two.decide(CONNECT_FAILURE, 2, false, false, false)).isEqualTo(RetryDecision.NO_RETRIES_LEFT);
        assertThat(RetryPolicy.none().decide(CONNECT_FAILURE, 0, true, false, false))
                .isEqualTo(RetryDecision.NO_RETRIES_LEFT);
    }

    @Test
    void theRulesInTheirOrder() {
        RetryPolicy p = RetryPolicy.defaults();
        // A response under way outranks everything, even an unspent retry count.
        assertThat(p.decide(RESET, 0, true, false, true)).isEqualTo(RetryDecision.RESPONSE_STARTED);
        // A body byte sent upstream cannot be sent again.
        assertThat(p.decide(CONNECT_FAILURE, 0, true, true, false)).isEqualTo(RetryDecision.BODY_SENT);
        // Connect failures and resets before any response byte: any method.
        assertThat(p.decide(RESET, 0, false, false, false)).isEqualTo(RetryDecision.RETRY);
        assertThat(p.decide(CONNECT_FAILURE, 0, false, false, false)).isEqualTo(RetryDecision.RETRY);
        // Timeouts and bad responses: idempotent methods only, unless the policy says otherwise.
        assertThat(p.decide(TIMEOUT, 0, false, false, false)).isEqualTo(RetryDecision.NOT_IDEMPOTENT);
        assertThat(p.decide(BAD_RESPONSE, 0, false, false, false)).isEqualTo(RetryDecision.NOT_IDEMPOTENT);
        assertThat(p.decide(TIMEOUT, 0, true, false, false)).isEqualTo(RetryDecision.RETRY);
        RetryPolicy any = RetryPolicy.builder().idempotentOnly(false).build();
        assertThat(any.decide(TIMEOUT, 0, false, false, false)).isEqualTo(RetryDecision.RETRY);
    }

    @Test
    void idempotentMethodsAreRfc9110s() {
        for (String m : List.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE")) {
            assertThat(RetryPolicy.isIdempotent(m)).as(m).isTrue();
        }
        for (String m : List.of("POST", "PATCH", "CONNECT", "PURGE", "get")) {
            assertThat(RetryPolicy.isIdempotent(m)).as(m).isFalse();
        }
    }

    @Test
    void connectFailuresSpendNoBudget() {
        assertThat(RetryPolicy.spendsBudget(CONNECT_FAILURE)).isFalse();
        assertThat(RetryPolicy.spendsBudget(RESET)).isTrue();
        assertThat(RetryPolicy.spendsBudget(TIMEOUT)).isTrue();
    }

    @Test
    void theBudgetIsEnvoysPercentWithAFloor() {
        RetryPolicy p = RetryPolicy.defaults();
        // max(3, floor(40 * 20 / 100)) = 8; max(3, floor(10 * 20 / 100)) = 3.
        assertThat(p.allowedRetries(40)).isEqualTo(8);
        assertThat(p.allowedRetries(10)).isEqualTo(3);
        assertThat(p.allowedRetries(0)).isEqualTo(3);
        assertThat(p.allowedRetries(-5)).as("a transiently negative count").isEqualTo(3);
        assertThat(RetryPolicy.builder().budgetPercent(0).minRetryConcurrency(0).build().allowedRetries(1000)).isZero();
        assertThat(RetryPolicy.builder().budgetPercent(100).build().allowedRetries(Integer.MAX_VALUE))
                .isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aBudgetAdmitsUpToItsAllowanceAndGivesPlacesBack() {
        RetryPolicy p = RetryPolicy.builder().budgetPercent(50).minRetryConcurrency(1).build();
        RetryBudget b = new RetryBudget();
        for (int i = 0; i < 6; i++) {
            b.requestStarted();
        }
        assertThat(b.tryStartRetry(p)).isTrue();
        assertThat(b.tryStartRetry(p)).isTrue();
        assertThat(b.tryStartRetry(p)).isTrue();
        assertThat(b.tryStartRetry(p)).as("50% of 6 is 3").isFalse();
        b.retryEnded();
        assertThat(b.activeRetries()).isEqualTo(2);
        assertThat(b.tryStartRetry(p)).isTrue();
        assertThat(b.activeRequests()).isEqualTo(6);
    }

    @Test
    void concurrentRetriesNeverExceedTheAllowance() throws Exception {
        RetryPolicy p = RetryPolicy.builder().budgetPercent(10).minRetryConcurrency(5).build();
        RetryBudget b = new RetryBudget();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger under = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 20_000; i++) {
                    if (b.tryStartRetry(p)) {
                        most.accumulateAndGet(under.incrementAndGet(), Math::max);
                        under.decrementAndGet();
                        b.retryEnded();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        assertThat(most.get()).isBetween(1, 5);
        assertThat(b.activeRetries()).isZero();
    }

    @Test
    void badSettingsNameTheSettingTheValueAndTheRange() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxRetries(11)).isInstanceOf(SettingException.class)
                .hasMessage("max-retries: 11 is out of range; a whole number from 0 to 10");
        assertThatThrownBy(() -> RetryPolicy.builder().budgetPercent(-1))
                .hasMessage("budget-percent: -1 is out of range; a whole number from 0 to 100");
        assertThatThrownBy(() -> RetryPolicy.builder().minRetryConcurrency(10_001))
                .hasMessage("min-retry-concurrency: 10001 is out of range; a whole number from 0 to 10000");
    }

    @Test
    void grpcStatusesAreRetriedOnlyWhenNamedReplayableAndWithinMaxRetries() {
        RetryPolicy p = RetryPolicy.builder().maxRetries(1).grpcRetryOn(List.of("unavailable")).build();
        assertThat(p.decideGrpcStatus(14, 0, true, false)).isEqualTo(RetryDecision.RETRY);
        assertThat(p.decideGrpcStatus(14, 1, true, false)).isEqualTo(RetryDecision.NO_RETRIES_LEFT);
        assertThat(p.decideGrpcStatus(14, 0, false, false)).isEqualTo(RetryDecision.BODY_SENT);
        assertThat(p.decideGrpcStatus(14, 0, true, true)).isEqualTo(RetryDecision.RESPONSE_STARTED);
        assertThat(p.decideGrpcStatus(8, 0, true, false)).isEqualTo(RetryDecision.STATUS_NOT_RETRIED);
        assertThat(p.decideGrpcStatus(-1, 0, true, false)).isEqualTo(RetryDecision.STATUS_NOT_RETRIED);
        // By default no status is retried: a status is the backend's answer.
        assertThat(RetryPolicy.defaults().decideGrpcStatus(14, 0, true, false))
                .isEqualTo(RetryDecision.STATUS_NOT_RETRIED);
        assertThat(p).isNotEqualTo(RetryPolicy.builder().maxRetries(1).build());
        assertThatThrownBy(() -> RetryPolicy.builder().grpcRetryOn(List.of("unavailble")))
                .isInstanceOf(SettingException.class)
                .hasMessage("grpc-retry-on: 'unavailble' is not allowed; one of [cancelled, deadline-exceeded,"
                        + " internal, resource-exhausted, unavailable]");
    }
}
