package io.sluice.algorithms.health;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Passive outlier detection driving a real load balancer in virtual time, from a seed: the
 * detector's events are applied to the balancer ({@code setHealth}) as a proxy would, and the
 * balancer's picks feed the detector. Defaults are Envoy's (5 consecutive 5xx, 10 s sweeps, 30 s
 * base ejection, 10 % of 10 backends = one ejection at a time), plus the latency rule (3x median).
 *
 * <p>Traffic: one request every 5 ms (200/s) by round robin over b0..b9, each answered in
 * 5..15 ms, so every backend takes 20 requests a second and 200 an interval, above the latency
 * rule's 100. Faults: b3 answers 500 from 20 s to 70 s; b7 answers in 50..150 ms from 150 s to
 * 175 s. Expected, derived from the rules:
 * <ul>
 *   <li>b3's fifth failure, at 20 s + 5 x 50 ms, ejects it for 30 s (multiplier 1). Envoy restores
 *       at the sweeps, so the first sweep at or after 50.25 s, 60 s, brings it back;</li>
 *   <li>it still fails, so five requests later (60.25 s) it is ejected again for 2 x 30 = 60 s and
 *       restored at the sweep of 130 s, after which it is healthy and gets its tenth again;</li>
 *   <li>b7's peak EWMA jumps to its first slow answer (>= 50 ms) while the others' stay below
 *       15 ms, so the sweep at 160 s finds it above 3x the median and ejects it for 30 s; the
 *       sweep at 190 s restores it;</li>
 *   <li>an ejected backend is picked by nobody, so b3 sees exactly the 10 failing requests that
 *       tripped the rule twice, out of the 1,000 it would have had from 20 s to 70 s.</li>
 * </ul>
 */
class OutlierDetectionScenarioTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    @Test
    void ejectsOutliersKeepsTrafficAwayAndRestoresThem() {
        AtomicLong now = new AtomicLong();
        Environment env = Environment.virtual(now::get, 2024);
        LoadBalancer lb = LoadBalancer.create(StrategyRegistry.standard().create("round-robin", env), env);
        List<Backend> backends = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            backends.add(Backend.of("b" + i, "10.0.0." + i + ":80"));
            ids.add("b" + i);
        }
        lb.setBackends(backends);
        // Envoy's defaults plus Sluice's latency rule, which is off by default.
        OutlierConfig config = OutlierConfig.builder().latencyFactor(3).build();
        OutlierDetector detector = OutlierDetector.create(config, ids, 0);
        SplittableRandom random = new SplittableRandom(7);

        List<OutlierEvent> events = new ArrayList<>();
        long b3PicksWhileEjected = 0;
        long b3PicksAfterRecovery = 0;
        long picksAfterRecovery = 0;
        long nextSweep = config.intervalNanos();
        for (long t = 0; t < 220 * S; t += 5 * MS) {
            now.set(t);
            if (t >= nextSweep) {
                apply(lb, detector.evaluate(t), events);
                nextSweep += config.intervalNanos();
            }
            Endpoint e = lb.pick(RequestContext.NONE);
            String id = e.id();
            if (id.equals("b3") && detector.isEjected("b3")) {
                b3PicksWhileEjected++;
            }
            if (t >= 131 * S && t < 150 * S) {
                picksAfterRecovery++;
                if (id.equals("b3")) {
                    b3PicksAfterRecovery++;
                }
            }
            boolean fails = id.equals("b3") && t >= 20 * S && t < 70 * S;
            boolean slow = id.equals("b7") && t >= 150 * S && t < 175 * S;
            long latency = (long) ((slow ? 100 : 10) * MS * (0.5 + random.nextDouble()));
            e.load().onRequestStart();
            e.load().onRequestEnd(t, latency, !fails);
            apply(lb, detector.record(id, fails ? RequestOutcome.SERVER_ERROR : RequestOutcome.SUCCESS, latency, t),
                    events);
        }

        assertThat(events).extracting(OutlierEvent::kind, OutlierEvent::backendId, OutlierEvent::reason)
                .containsExactly(
                        tuple(OutlierEvent.Kind.EJECTED, "b3", EjectionReason.CONSECUTIVE_5XX),
                        tuple(OutlierEvent.Kind.RESTORED, "b3", EjectionReason.CONSECUTIVE_5XX),
                        tuple(OutlierEvent.Kind.EJECTED, "b3", EjectionReason.CONSECUTIVE_5XX),
                        tuple(OutlierEvent.Kind.RESTORED, "b3", EjectionReason.CONSECUTIVE_5XX),
                        tuple(OutlierEvent.Kind.EJECTED, "b7", EjectionReason.LATENCY),
                        tuple(OutlierEvent.Kind.RESTORED, "b7", EjectionReason.LATENCY));
        // Round robin over ten gives b3 every tenth request (20/s): its fifth failure comes 250 ms in.
        assertThat(events.get(0).atNanos()).isBetween(20 * S, 20 * S + 300 * MS);
        assertThat(events.get(0).ejectionNanos()).isEqualTo(30 * S);
        assertThat(events.get(1).atNanos()).isEqualTo(60 * S);
        assertThat(events.get(2).atNanos()).isBetween(60 * S, 60 * S + 300 * MS);
        assertThat(events.get(2).ejectionNanos()).as("the second ejection lasts twice as long").isEqualTo(60 * S);
        assertThat(events.get(2).multiplier()).isEqualTo(2);
        assertThat(events.get(3).atNanos()).isEqualTo(130 * S);
        assertThat(events.get(4).atNanos()).isEqualTo(160 * S);
        assertThat(events.get(5).atNanos()).isEqualTo(190 * S);

        assertThat(b3PicksWhileEjected).as("picks of b3 while it was ejected").isZero();
        assertThat(lb.endpoint("b3").load().failed()).as("failures b3 served: two runs of five").isEqualTo(10);
        // Restored and healthy, b3 is one of ten again under round robin: a tenth of the picks,
        // within one pick per rebuild of the picker (each rebuild draws a new start).
        assertThat((double) b3PicksAfterRecovery / picksAfterRecovery).isBetween(0.099, 0.101);
        assertThat(lb.endpoint("b3").health()).isEqualTo(HealthState.HEALTHY);
        assertThat(lb.endpoint("b7").health()).isEqualTo(HealthState.HEALTHY);
        assertThat(detector.ejected()).isEmpty();
    }

    private static void apply(LoadBalancer lb, List<OutlierEvent> fresh, List<OutlierEvent> all) {
        for (OutlierEvent e : fresh) {
            switch (e.kind()) {
                case EJECTED -> lb.setHealth(e.backendId(), HealthState.EJECTED);
                case RESTORED -> lb.setHealth(e.backendId(), HealthState.HEALTHY);
                case SUPPRESSED -> {
                }
            }
            all.add(e);
        }
    }
}
