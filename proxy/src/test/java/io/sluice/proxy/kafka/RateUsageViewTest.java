package io.sluice.proxy.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.algorithms.ratelimit.GlobalRateLimiter;
import io.sluice.algorithms.ratelimit.RateLimit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The peers' usage and the shares it sets, on virtual clocks (the Kafka path is GlobalRateLimitTest's). */
class RateUsageViewTest {
    private static final long SEC = 1_000_000_000L;
    private static final long T0 = 1_764_950_000_000L;

    private static ControlMessages.RateUsageReport report(String instance, long millis, double offered) {
        return new ControlMessages.RateUsageReport(1, instance, "fleet", millis,
                List.of(new ControlMessages.KeyUsage("web", offered, Math.min(offered, 300))));
    }

    private static GlobalRateLimiter limiter() {
        GlobalRateLimiter g = GlobalRateLimiter.create(RateLimit.tokenBucket(1000, SEC, 100), 100, 0);
        g.tryAcquire("web", 1, 0);
        return g;
    }

    @Test
    void freshPeersShareByDemandAndAStalePeerStopsCounting() {
        RateUsageView v = new RateUsageView("a", SEC);
        GlobalRateLimiter g = limiter();
        assertThat(v.accept(report("b", T0, 600), 0, T0)).isEqualTo(RateUsageView.Outcome.APPLIED);
        assertThat(v.accept(report("c", T0, 200), 0, T0)).isEqualTo(RateUsageView.Outcome.APPLIED);
        assertThat(v.accept(report("a", T0, 1200), 0, T0)).isEqualTo(RateUsageView.Outcome.OWN);
        assertThat(v.rebalance("fleet", g, Map.of("web", new GlobalRateLimiter.Usage(1200, 587)), SEC / 2)).isTrue();
        assertThat(g.share("web")).isCloseTo(0.587, within(0.001));
        assertThat(g.defaultShare()).isCloseTo(1.0 / 3, within(1e-12));

        // A report already a second old on arrival is refused; at 1 s the others' reports expire.
        assertThat(v.accept(report("d", T0 - 1000, 5000), SEC / 2, T0 + 500)).isEqualTo(RateUsageView.Outcome.STALE);
        v.accept(report("a", T0 + 900, 1200), 9 * SEC / 10, T0 + 900);
        v.accept(report("b", T0 + 900, 600), 9 * SEC / 10, T0 + 900);
        assertThat(v.rebalance("fleet", g, Map.of("web", new GlobalRateLimiter.Usage(1200, 600)), SEC + SEC / 10))
                .isTrue();
        // c has left: a and b share by 1200 : 600.
        assertThat(v.freshPeers("fleet", SEC + SEC / 10)).isEqualTo(1);
        assertThat(g.share("web")).isCloseTo(0.95 * 1200 / 1800 + 0.05 / 2, within(1e-9));
    }

    @Test
    void aloneAnInstanceTakesTheWholeLimitAndWhenItsOwnReportsStopItKeepsItsShares() {
        RateUsageView v = new RateUsageView("a", SEC);
        GlobalRateLimiter g = limiter();
        assertThat(v.rebalance("fleet", g, Map.of("web", new GlobalRateLimiter.Usage(50, 50)), 0)).isTrue();
        assertThat(g.share("web")).isEqualTo(1.0);

        v.accept(report("a", T0, 1200), 0, T0);
        v.accept(report("b", T0, 1200), 0, T0);
        v.rebalance("fleet", g, Map.of("web", new GlobalRateLimiter.Usage(1200, 500)), 0);
        assertThat(g.share("web")).isCloseTo(0.5, within(1e-9));
        // Two seconds on, neither a's own report nor b's came back: Kafka is away, the share stays.
        assertThat(v.rebalance("fleet", g, Map.of("web", new GlobalRateLimiter.Usage(1200, 500)), 2 * SEC))
                .isFalse();
        assertThat(g.share("web")).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void malformedReportsAreRefusedWithTheField() {
        assertThat(ControlMessages.rateUsage("{\"version\":1,\"instance\":\"a\",\"limit\":\"fleet\",\"timestamp\":5,\"keys\":[{\"key\":\"k\",\"offered\":-1,\"admitted\":0}]}"
                .getBytes()).refused().detail()).contains("offered -1.0").contains("0 or more");
        assertThat(ControlMessages.rateUsage("{\"version\":1,\"instance\":\"a\",\"timestamp\":5,\"keys\":[]}"
                .getBytes()).refused().detail()).contains("instance, limit, keys and timestamp are required");
        assertThat(ControlMessages.rateUsage("{\"version\":2}".getBytes()).refused().kind())
                .isEqualTo(ControlMessages.Refused.Kind.UNKNOWN_VERSION);
        var ok = ControlMessages.rateUsage(ControlMessages.write(report("b", T0, 10)));
        assertThat(ok.message()).isEqualTo(report("b", T0, 10));
    }
}
