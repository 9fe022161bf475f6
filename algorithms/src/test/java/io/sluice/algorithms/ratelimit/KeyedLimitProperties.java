package io.sluice.algorithms.ratelimit;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KeyedLimitProperties {

    /** One arrival: after gap (permille of the period), key number k asks for one permit. */
    record Arrival(long gapPermille, int key) {
    }

    @Provide
    Arbitrary<List<Arrival>> arrivals() {
        return Combinators.combine(Arbitraries.longs().between(0, 1_500), Arbitraries.integers().between(0, 5))
                .as(Arrival::new).list().ofMinSize(1).ofMaxSize(200);
    }

    /**
     * Distinct keys never share a budget: every key's decisions through the keyed table are
     * exactly those of a private limiter fed only that key's arrivals (the table is big enough that
     * nothing is evicted).
     */
    @Property(tries = 200)
    void eachKeyDecidesAsItsOwnPrivateLimiter(@ForAll boolean gcra,
                                              @ForAll @IntRange(min = 1, max = 5) int permits,
                                              @ForAll @IntRange(min = 1, max = 4) int burst,
                                              @ForAll("arrivals") List<Arrival> arrivals) {
        long period = 1_000_000_000L;
        RateLimit limit = gcra ? GcraSpec.fromRate(permits, period, burst) : RateLimit.tokenBucket(permits, period, burst);
        KeyedRateLimiter keyed = KeyedRateLimiter.create(limit, 64);
        Map<Integer, RateLimiter> own = new HashMap<>();
        long now = 0;
        for (Arrival a : arrivals) {
            now += period * a.gapPermille() / 1_000;
            RateLimiter mine = own.computeIfAbsent(a.key(), k -> limit.newLimiter(0));
            assertThat(keyed.tryAcquire("device-" + a.key(), 1, now)).isEqualTo(mine.tryAcquire(1, now));
        }
    }

    /**
     * Whatever the arrival pattern and however keys interleave, each key's grants obey
     * granted * period &lt;= burst * period + window * permits over every window between its grants.
     */
    @Property(tries = 200)
    void noKeyExceedsBurstPlusRateTimesT(@ForAll @IntRange(min = 1, max = 5) int permits,
                                         @ForAll @IntRange(min = 1, max = 4) int burst,
                                         @ForAll("arrivals") List<Arrival> arrivals) {
        long period = 1_000_000L;
        LimitChain chain = new LimitChain(List.of(new KeyedLimit("device",
                LimitKey.of(LimitKey.Part.header("x-device")), RateLimit.tokenBucket(permits, period, burst), 64)));
        Map<Integer, List<Long>> grants = new HashMap<>();
        long now = 0;
        for (Arrival a : arrivals) {
            now += period * a.gapPermille() / 1_000;
            String id = "d" + a.key();
            KeyInputs in = new KeyInputs() {
                @Override
                public byte[] clientAddress() {
                    return new byte[]{10, 0, 0, 1};
                }

                @Override
                public String header(String name) {
                    return id;
                }
            };
            if (chain.admit(in, now).granted()) {
                grants.computeIfAbsent(a.key(), k -> new ArrayList<>()).add(now);
            }
        }
        for (List<Long> g : grants.values()) {
            for (int i = 0; i < g.size(); i++) {
                for (int j = i; j < g.size(); j++) {
                    long window = g.get(j) - g.get(i);
                    assertThat((long) (j - i + 1) * period).isLessThanOrEqualTo((long) burst * period + window * permits);
                }
            }
        }
    }
}
