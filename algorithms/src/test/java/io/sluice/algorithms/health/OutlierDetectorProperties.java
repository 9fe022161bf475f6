package io.sluice.algorithms.health;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutlierDetectorProperties {
    private static final long MS = 1_000_000L;

    /** One step of a random run: a request result, or (host index -1) an interval sweep; time moves on by gap. */
    record Step(int host, RequestOutcome outcome, long latencyMs, long gapMs) {
    }

    @Provide
    Arbitrary<List<Step>> runs() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.integers().between(-1, 29),
                // Mostly failures, so the consecutive rule trips often and the budget is tested.
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(RequestOutcome.SUCCESS)),
                        net.jqwik.api.Tuple.of(4, Arbitraries.of(RequestOutcome.SERVER_ERROR,
                                RequestOutcome.GATEWAY_ERROR, RequestOutcome.LOCAL_ORIGIN_FAILURE))),
                Arbitraries.longs().between(0, 500),
                Arbitraries.longs().between(0, 3_000)).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(400);
    }

    /**
     * Whatever the failure pattern, never more than floor(percent * n / 100) backends are ejected
     * at once, or one when always-eject-one-host allows it; and the counters agree with the set.
     */
    @Property(tries = 300)
    void maxEjectionPercentIsNeverExceeded(@ForAll @IntRange(min = 1, max = 30) int n,
                                          @ForAll @IntRange(min = 0, max = 100) int percent,
                                          @ForAll boolean alwaysEjectOne,
                                          @ForAll @IntRange(min = 1, max = 4) int consecutive,
                                          @ForAll("runs") List<Step> run) {
        OutlierConfig config = OutlierConfig.builder()
                .consecutive5xx(consecutive).consecutiveGatewayFailure(consecutive + 1)
                .maxEjectionPercent(percent).alwaysEjectOneHost(alwaysEjectOne)
                .interval(1_000 * MS).baseEjectionTime(2_000 * MS).maxEjectionTime(9_000 * MS)
                .latencyFactor(2).latencyMinimumRequests(2).latencyMinimumHosts(2)
                .build();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add("b" + i);
        }
        OutlierDetector d = OutlierDetector.create(config, ids, 0);
        int bound = Math.max(percent * n / 100, alwaysEjectOne ? 1 : 0);
        long now = 0;
        for (Step s : run) {
            now += s.gapMs() * MS;
            if (s.host() < 0) {
                d.evaluate(now);
            } else {
                d.record("b" + (s.host() % n), s.outcome(), s.latencyMs() * MS, now);
            }
            assertThat(d.ejected().size()).isLessThanOrEqualTo(bound);
            OutlierDetector.OutlierStats st = d.stats();
            assertThat(st.ejections() - st.restorations()).isEqualTo(d.ejected().size());
        }
    }

    /** An ejection never lasts less than base-ejection-time or more than max-ejection-time. */
    @Property(tries = 200)
    void ejectionTimesStayBetweenBaseAndMax(@ForAll("runs") List<Step> run) {
        OutlierConfig config = OutlierConfig.builder().consecutive5xx(2).maxEjectionPercent(100)
                .interval(1_000 * MS).baseEjectionTime(1_500 * MS).maxEjectionTime(5_000 * MS).latencyFactor(0)
                .build();
        OutlierDetector d = OutlierDetector.create(config, List.of("a", "b", "c"), 0);
        long now = 0;
        for (Step s : run) {
            now += s.gapMs() * MS;
            List<OutlierEvent> events = s.host() < 0
                    ? d.evaluate(now)
                    : d.record(List.of("a", "b", "c").get(s.host() % 3), s.outcome(), MS, now);
            for (OutlierEvent e : events) {
                if (e.kind() == OutlierEvent.Kind.EJECTED) {
                    assertThat(e.ejectionNanos()).isBetween(1_500 * MS, 5_000 * MS);
                }
            }
        }
    }
}
