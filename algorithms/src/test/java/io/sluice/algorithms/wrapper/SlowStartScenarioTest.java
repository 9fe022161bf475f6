package io.sluice.algorithms.wrapper;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.StrategySpec;
import io.sluice.algorithms.VirtualClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Slow start wrapped around the registered weight-aware strategies, in virtual time from a seed:
 * the wrapper only scales effective weights, so any strategy that honours weights must ramp a new
 * backend's share along Envoy's curve.
 *
 * <p>a is established; b (same configured weight) joins at 100 s. Window 30 s, aggression 1, min
 * 10 %: b's effective weight is 0.1 at once, 0.5 half-way and 1 at the end, so its share of the
 * picks is 0.1/1.1 = 1/11, 0.5/1.5 = 1/3, then 1/2. Each phase makes 20,000 picks with the clock
 * standing still, each with a distinct key (only the hashing strategies read it) and nothing in
 * flight, so p2c-least-request's draws, proportional to weight, decide alone. Smooth weighted
 * round robin is exact; the others are binomial, and the tolerance is five standard deviations,
 * 5 sqrt(N p (1 - p)) / N: 1.0, 1.7 and 1.8 percentage points.
 */
class SlowStartScenarioTest {
    private static final long S = 1_000_000_000L;
    private static final int PICKS = 20_000;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"weighted-round-robin", "weighted-random", "p2c-least-request", "rendezvous", "maglev"})
    void aNewBackendsShareRampsAlongTheCurve(String strategy) {
        VirtualClock clock = new VirtualClock();
        Environment env = Environment.virtual(clock, 11);
        StrategySpec spec = new StrategySpec(strategy, Map.of(),
                List.of(new StrategySpec.WrapperSpec("slow-start", Map.of())));
        LoadBalancer lb = LoadBalancer.create(StrategyRegistry.standard().create(spec, env), env);
        lb.setBackends(List.of(Backend.of("a", "a:80")));
        clock.advanceNanos(100 * S);
        lb.putBackend(Backend.of("b", "b:80"));

        double[] expected = {1 / 11.0, 1 / 3.0, 1 / 2.0};
        for (int phase = 0; phase < expected.length; phase++) {
            double p = expected[phase];
            double share = shareOfB(lb, phase);
            assertThat(share).as("%s, phase %d", strategy, phase)
                    .isCloseTo(p, within(5 * Math.sqrt(p * (1 - p) / PICKS)));
            clock.advanceNanos(15 * S);
        }
    }

    private static double shareOfB(LoadBalancer lb, int phase) {
        int b = 0;
        for (int i = 0; i < PICKS; i++) {
            RequestContext ctx = RequestContext.ofKey("device-" + phase + "-" + i);
            if (lb.pick(ctx).id().equals("b")) {
                b++;
            }
        }
        return (double) b / PICKS;
    }
}
