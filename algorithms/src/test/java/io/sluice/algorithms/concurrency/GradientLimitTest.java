package io.sluice.algorithms.concurrency;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GradientLimitTest {
    static final long MS = 1_000_000L;

    /**
     * A cluster that serves {@code capacity} requests at once in {@code base} and queues the rest:
     * with n in flight the RTT is base * max(1, n / capacity). Clients always want more than the
     * limit, so each round fills the limit and releases every request with that RTT.
     */
    static int settle(GradientLimit g, int capacity, long base, int rounds) {
        for (int r = 0; r < rounds; r++) {
            int n = 0;
            while (n < 10_000 && g.tryAcquire()) {
                n++;
            }
            long rtt = (long) (base * Math.max(1.0, (double) n / capacity));
            for (int i = 0; i < n; i++) {
                g.release(rtt);
            }
        }
        return g.limit();
    }

    /**
     * Equilibrium: above capacity the gradient is tolerance * capacity / n, so the target is
     * 1.5 capacity + sqrt(n). For capacity 100 that is about 150 + 12 = 162; below capacity the
     * limit grows by sqrt. So the limit ends between capacity and 2 x capacity.
     */
    @Test
    void theLimitSettlesNearWhereQueueingStarts() {
        GradientLimit g = new GradientLimit(new GradientLimit.Settings(20, 3, 1000, 1.5, 0.2, 50, 60, 3));
        int limit = settle(g, 100, 10 * MS, 3000);
        assertThat(limit).isBetween(100, 200);
        assertThat(g.minRttNanos()).isEqualTo(10 * MS);
    }

    @Test
    void whenTheClusterSlowsTheLimitFollowsItDown() {
        GradientLimit g = new GradientLimit(new GradientLimit.Settings(20, 3, 1000, 1.5, 0.2, 50, 60, 3));
        int before = settle(g, 200, 10 * MS, 3000);
        int after = settle(g, 40, 10 * MS, 3000);
        assertThat(after).isLessThan(before / 2).isBetween(40, 80);
    }

    @Test
    void overTheLimitNothingIsTaken() {
        GradientLimit g = new GradientLimit(new GradientLimit.Settings(5, 1, 10, 1.5, 0.2, 10, 60, 2));
        assertThat(g.tryAcquire()).isTrue();
        assertThat(g.tryAcquire()).isTrue();
        assertThat(g.tryAcquire()).as("probe limit 2 at start").isFalse();
        assertThat(g.inFlight()).isEqualTo(2);
        g.release(-1);
        assertThat(g.inFlight()).isEqualTo(1);
    }

    @Test
    void badSettingsNameTheValueAndRange() {
        assertThatThrownBy(() -> new GradientLimit.Settings(20, 3, 2, 1.5, 0.2, 50, 60, 3))
                .hasMessageContaining("min-limit <= max-limit");
        assertThatThrownBy(() -> new GradientLimit.Settings(20, 3, 100, 0.5, 0.2, 50, 60, 3))
                .hasMessageContaining("tolerance must be in [1, 100], got 0.5");
    }
}
