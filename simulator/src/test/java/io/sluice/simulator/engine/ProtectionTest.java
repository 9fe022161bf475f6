package io.sluice.simulator.engine;

import static io.sluice.simulator.engine.BackendModelTest.MS;
import static io.sluice.simulator.engine.BackendModelTest.SECOND;
import static io.sluice.simulator.engine.BackendModelTest.config;
import static io.sluice.simulator.engine.BackendModelTest.constant;
import static io.sluice.simulator.engine.BackendModelTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.concurrency.GradientLimit;
import io.sluice.algorithms.policy.RetryPolicy;
import io.sluice.algorithms.ratelimit.GcraSpec;
import io.sluice.algorithms.ratelimit.KeySource;
import io.sluice.algorithms.ratelimit.LimitKey;
import io.sluice.algorithms.ratelimit.RateLimit;
import io.sluice.algorithms.ratelimit.TokenBucketSpec;
import io.sluice.config.proxy.Protection;
import io.sluice.simulator.metrics.Outcomes;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Distribution;
import io.sluice.simulator.model.LoadBalancerModel;
import io.sluice.simulator.standin.FixedArrivals;
import io.sluice.simulator.standin.PoissonWorkload;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The tier's protection in virtual time: the proxy's rate limiters and adaptive concurrency limit
 * applied by each simulated instance before it picks, their refusals counted apart (429 rate-limited,
 * 503 shed) and never sent to a backend.
 */
class ProtectionTest {
    private static final LimitKey BY_DEVICE = LimitKey.of(LimitKey.Part.header("x-device-id"));
    /** 100/s with a burst of 20. */
    private static final RateLimit BUCKET = new TokenBucketSpec(100, SECOND, 20);
    private static final RateLimit GCRA = GcraSpec.fromRate(100, SECOND, 20);

    private static LoadBalancerModel limited(int instances, RateLimit limit, LimitKey key) {
        return LoadBalancerModel.builder().instances(instances)
                .rateLimits(List.of(new Protection.RateLimitRule("device", limit, key, 1000))).build();
    }

    /** Plenty of capacity: 8 backends of 1 ms, so nothing but the limits refuses. */
    private static BackendGroup roomy() {
        return constant("s", 8, MS).build();
    }

    private static void assertEveryRequestCountedOnce(Outcomes o) {
        assertThat(o.succeeded() + o.errors() + o.timeouts() + o.rejected() + o.unavailable() + o.unfinished()
                + o.rateLimited() + o.shed()).isEqualTo(o.requests());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void aFloodingDeviceIsAdmittedAtMostBurstPlusRateTimesTime(long seed) {
        // One device at 2,000/s for 2 s against 100/s, burst 20: at most 20 + 100 x 2 = 220 admitted.
        // The flood takes each token within a mean 0.5 ms of its refill, so the bound is nearly
        // reached: at least 220 - 100/s x (a few ms of the last refill) - 1, say 215.
        for (RateLimit limit : List.of(BUCKET, GCRA)) {
            SimulationResult r = run(config(PoissonWorkload.withDevices(2000, 1), roomy())
                    .durationNanos(2 * SECOND).seed(seed).loadBalancer(limited(1, limit, BY_DEVICE)));
            Outcomes o = r.outcomes();
            assertThat(o.requests()).isGreaterThan(3500);
            assertThat(o.admitted()).as(limit.toString()).isBetween(215L, 220L);
            assertThat(o.rateLimited()).isEqualTo(o.requests() - o.admitted());
            assertThat(o.succeeded()).isEqualTo(o.admitted());
            assertThat(o.shed()).isZero();
            assertThat(r.backends().stream().mapToLong(b -> b.requests()).sum()).isEqualTo(o.admitted());
            assertEveryRequestCountedOnce(o);
        }
    }

    @Test
    void distinctKeysHaveBudgetsOfTheirOwnAndEachInstanceItsOwn() {
        // Two devices alternating every 0.1 ms for 1 s: each device's budget is 20 + 100 = 120.
        FixedArrivals two = FixedArrivals.every(0, MS / 10, 10_000).fromDevices("a", "b");
        Outcomes perDevice = run(config(two, roomy()).loadBalancer(limited(1, BUCKET, BY_DEVICE))).outcomes();
        assertThat(perDevice.admitted()).isBetween(238L, 240L);
        // Keyed by route, both share one budget.
        LimitKey route = LimitKey.of(LimitKey.Part.of(KeySource.ROUTE));
        Outcomes shared = run(config(two, roomy()).loadBalancer(limited(1, BUCKET, route))).outcomes();
        assertThat(shared.admitted()).isBetween(118L, 120L);
        // Two instances, requests spread at random: each holds a budget of its own (local limits),
        // so the tier admits up to twice as much.
        Outcomes fleet = run(config(two, roomy()).loadBalancer(limited(2, BUCKET, route))).outcomes();
        assertThat(fleet.admitted()).isBetween(230L, 240L);
    }

    @Test
    void adaptiveConcurrencyShedsOverloadAndKeepsTheAdmittedLatencyNearTheUnloaded() {
        // 2 backends x 2 servers of 10 ms (400/s) offered 800/s for 10 s, no retries. Without a limit
        // the queues grow for the whole run: the p99 is seconds. With the gradient limit (tolerance 2)
        // the in-flight count settles where latency is about twice the unloaded 10 ms, and the rest
        // is shed at once: the admitted p99 is a few tens of ms, under a tenth of the unprotected.
        GradientLimit.Settings settings = new GradientLimit.Settings(8, 2, 100, 2.0, 0.2, 20, 50, 2);
        for (long seed = 1; seed <= 3; seed++) {
            SimulationConfig.Builder b = config(PoissonWorkload.of(800),
                    BackendGroup.builder("s", 2).concurrency(2).serviceTime(Distribution.exponential(10 * MS)).build())
                    .durationNanos(10 * SECOND).seed(seed);
            SimulationResult bare = run(b.policy(BackendModelTest.policy("round-robin").retries(RetryPolicy.none())
                    .build()));
            SimulationResult guarded = run(b.policy(BackendModelTest.policy("round-robin").retries(RetryPolicy.none())
                    .adaptiveConcurrency(settings).build()));
            assertThat(bare.outcomes().shed()).isZero();
            assertThat(guarded.outcomes().shed()).isPositive();
            assertThat(guarded.outcomes().rateLimited()).isZero();
            assertThat(guarded.latency().p99Nanos()).isLessThan(bare.latency().p99Nanos() / 10);
            // The backends stay busy: what is admitted is still about their capacity.
            assertThat(guarded.throughputPerSecond()).isGreaterThan(0.8 * 400);
            assertEveryRequestCountedOnce(guarded.outcomes());
        }
    }
}
