package io.sluice.algorithms.wrapper;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.LoadSignals;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.VirtualClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SlowStartTest {
    private static final long S = 1_000_000_000L;
    private static final long W = 30 * S;

    private final VirtualClock clock = new VirtualClock();
    private final Environment env = Environment.virtual(clock, 3);
    private final RecordingStrategy recording = new RecordingStrategy();

    private Strategy slowStart(Map<String, ?> params) {
        SlowStartWrapperProvider provider = new SlowStartWrapperProvider();
        return provider.wrap(recording, Parameters.parse("wrapper 'slow-start'", provider.parameters(), params), env);
    }

    private static Map<String, Integer> counts(LoadBalancer lb, int picks) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(lb.pick(RequestContext.NONE).id(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void formulaAtTheWorkedExamples() {
        // W = 30 s, aggression 1, min 10 %.
        assertThat(SlowStart.weightFactor(0, W, 1, 0.1)).isEqualTo(0.1);
        assertThat(SlowStart.weightFactor(W / 2, W, 1, 0.1)).isCloseTo(0.5, within(1e-12));
        assertThat(SlowStart.weightFactor(W, W, 1, 0.1)).isEqualTo(1.0);
        assertThat(SlowStart.weightFactor(W * 5, W, 1, 0.1)).isEqualTo(1.0);
        // Aggression 2: sqrt(7.5 / 30) = 0.5; aggression 0.5: (0.5)^2 = 0.25.
        assertThat(SlowStart.weightFactor(W / 4, W, 2, 0.1)).isCloseTo(0.5, within(1e-12));
        assertThat(SlowStart.weightFactor(W / 2, W, 0.5, 0.1)).isCloseTo(0.25, within(1e-12));
        // Below the minimum the minimum wins: 3 s of 30 s is 0.1 -> with min 20 % it is 0.2.
        assertThat(SlowStart.weightFactor(3 * S, W, 1, 0.2)).isEqualTo(0.2);
    }

    @Test
    void theOneSecondFloorScalesWithShortWindows() {
        // Min 0 exposes the floor. W = 30 s: Envoy's 1 s, 1/30. W = 60 s: still 1 s, 1/60.
        assertThat(SlowStart.weightFactor(0, W, 1, 0)).isCloseTo(1.0 / 30, within(1e-12));
        assertThat(SlowStart.weightFactor(0, 60 * S, 1, 0)).isCloseTo(1.0 / 60, within(1e-12));
        // W = 3 s: floor W/30 = 100 ms, so the ramp still starts at 1/30 and still ramps.
        assertThat(SlowStart.weightFactor(0, 3 * S, 1, 0)).isCloseTo(1.0 / 30, within(1e-12));
        assertThat(SlowStart.weightFactor(3 * S / 2, 3 * S, 1, 0)).isCloseTo(0.5, within(1e-12));
        // Healthy "since" a moment after now counts as just started.
        assertThat(SlowStart.weightFactor(-5 * S, W, 1, 0.1)).isEqualTo(0.1);
    }

    @Test
    void elapsedTimeSaturatesInsteadOfWrapping() {
        assertThat(SlowStart.elapsed(10, 4)).isEqualTo(6);
        assertThat(SlowStart.elapsed(Long.MAX_VALUE - 10, Long.MIN_VALUE / 4)).isEqualTo(Long.MAX_VALUE);
        assertThat(SlowStart.elapsed(Long.MIN_VALUE + 10, Long.MAX_VALUE)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void aNewBackendsShareFollowsTheRamp() {
        // a is established; b joins at t = 100 s. Equal configured weights, W = 30 s, min 10 %.
        LoadBalancer lb = LoadBalancer.create(slowStart(Map.of()), env);
        lb.setBackends(List.of(Backend.of("a", "a:80")));
        clock.advanceNanos(100 * S);
        lb.putBackend(Backend.of("b", "b:80"));

        // t = 0 into the window: b's weight 0.1, share 0.1 / 1.1: exactly 100 of 1100 smooth-WRR picks.
        assertThat(recording.weightOf("b")).isEqualTo(0.1);
        assertThat(counts(lb, 1100).get("b")).isBetween(99, 101);

        // t = W/2: the first pick rebuilds; b's weight 0.5, share 1/3: 500 of 1500.
        clock.advanceNanos(15 * S);
        Map<String, Integer> half = counts(lb, 1500);
        assertThat(recording.weightOf("b")).isCloseTo(0.5, within(1e-12));
        assertThat(half.get("b")).isBetween(499, 501);

        // t = W: b's full weight, share 1/2, and the ramp is over.
        clock.advanceNanos(15 * S);
        Map<String, Integer> full = counts(lb, 1000);
        assertThat(recording.weightOf("b")).isEqualTo(1.0);
        assertThat(full.get("b")).isBetween(499, 501);
        int builds = recording.builds();
        clock.advanceNanos(100 * S);
        counts(lb, 100);
        assertThat(recording.builds()).isEqualTo(builds);
    }

    @Test
    void rebuildsAtMostEveryTwentiethOfTheWindowAndThenStop() {
        LoadBalancer lb = LoadBalancer.create(slowStart(Map.of()), env);
        lb.setBackends(List.of(Backend.of("a", "a:80")));
        clock.advanceNanos(100 * S);
        lb.putBackend(Backend.of("b", "b:80"));
        int before = recording.builds();
        // A pick every 10 ms through the window and 10 s past it: 4000 picks. Rebuilds are due every
        // W/20 = 1.5 s, so 30 s hold 20 of them, the 20th (at t = W) finding nothing ramping.
        for (int i = 0; i < 4000; i++) {
            lb.pick(RequestContext.NONE);
            clock.advanceMillis(10);
        }
        assertThat(recording.builds() - before).isEqualTo(20);
        assertThat(recording.weightOf("b")).isEqualTo(1.0);
    }

    @Test
    void nothingRampingMeansNoWrapperAtAll() {
        Endpoint a = Endpoint.of(Backend.of("a", "a:80"), LoadSignals.threadSafe(S).newLoad(0), HealthState.HEALTHY, -W);
        Picker picker = slowStart(Map.of()).newPicker(EndpointSet.of(List.of(a)));
        assertThat(picker).isSameAs(recording.lastPicker());
        assertThat(recording.weightOf("a")).isEqualTo(1.0);
    }

    @Test
    void emptySetPicksNothing() {
        Picker picker = slowStart(Map.of()).newPicker(EndpointSet.empty());
        assertThat(picker.pick(RequestContext.NONE)).isNull();
    }

    @Test
    void allUnhealthyPicksNothingAndNothingRamps() {
        Endpoint a = Endpoint.of(Backend.of("a", "a:80"), LoadSignals.threadSafe(S).newLoad(0), HealthState.UNHEALTHY, 0);
        Picker picker = slowStart(Map.of()).newPicker(EndpointSet.of(List.of(a)));
        assertThat(picker.pick(RequestContext.NONE)).isNull();
        assertThat(recording.last().all().get(0).weight()).isEqualTo(1.0);
    }

    @Test
    void allNewWithEqualWeightsShareEqually() {
        // Envoy's caveat: when every backend is new, slow start changes nothing about the shares.
        List<Endpoint> eps = new ArrayList<>();
        for (String id : List.of("a", "b", "c")) {
            eps.add(Endpoint.of(Backend.of(id, id + ":80"), LoadSignals.threadSafe(S).newLoad(0), HealthState.HEALTHY, 0));
        }
        Picker picker = slowStart(Map.of()).newPicker(EndpointSet.of(eps));
        assertThat(recording.weightOf("a")).isEqualTo(0.1);
        assertThat(recording.weightOf("c")).isEqualTo(0.1);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            counts.merge(picker.pick(RequestContext.NONE).id(), 1, Integer::sum);
        }
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("a", 100, "b", 100, "c", 100));
    }

    @Test
    void configuredWeightsAndOnlyHealthyEndpointsAreScaled() {
        clock.setNanos(W / 2);
        Endpoint heavy = Endpoint.of(Backend.of("h", "h:80", 4), LoadSignals.threadSafe(S).newLoad(0), HealthState.HEALTHY, 0);
        Endpoint sick = Endpoint.of(Backend.of("s", "s:80", 3), LoadSignals.threadSafe(S).newLoad(0), HealthState.UNHEALTHY, 0);
        slowStart(Map.of()).newPicker(EndpointSet.of(List.of(heavy, sick)));
        assertThat(recording.weightOf("h")).isCloseTo(2.0, within(1e-12));
        assertThat(recording.last().all().get(1).weight()).isEqualTo(3.0);
        assertThat(recording.last().available()).hasSize(1);
    }

    @Test
    void anEstablishedEndpointFarInThePastDoesNotOverflowIntoARamp() {
        clock.setNanos(Long.MAX_VALUE - 10);
        Endpoint old = Endpoint.of(Backend.of("a", "a:80"), LoadSignals.threadSafe(S).newLoad(0), HealthState.HEALTHY,
                Long.MIN_VALUE / 4);
        Picker picker = slowStart(Map.of()).newPicker(EndpointSet.of(List.of(old)));
        assertThat(picker).isSameAs(recording.lastPicker());
        assertThat(recording.weightOf("a")).isEqualTo(1.0);
    }

    @Test
    void aFailingInnerRebuildKeepsThePreviousPicker() {
        AtomicInteger builds = new AtomicInteger();
        Strategy flaky = new Strategy() {
            @Override
            public String name() {
                return "flaky";
            }

            @Override
            public Picker newPicker(EndpointSet endpoints) {
                if (builds.incrementAndGet() > 1) {
                    throw new IllegalStateException("cannot build");
                }
                Endpoint first = endpoints.available().get(0);
                return ctx -> first;
            }
        };
        SlowStartWrapperProvider provider = new SlowStartWrapperProvider();
        Strategy wrapped = provider.wrap(flaky, Parameters.defaults("slow-start", provider.parameters()), env);
        Endpoint a = Endpoint.of(Backend.of("a", "a:80"), LoadSignals.threadSafe(S).newLoad(0), HealthState.HEALTHY, 0);
        Picker picker = wrapped.newPicker(EndpointSet.of(List.of(a)));
        clock.advanceNanos(10 * S);
        assertThat(picker.pick(RequestContext.NONE).id()).isEqualTo("a");
        assertThat(builds.get()).isEqualTo(2);
    }

    @Test
    void concurrentPicksRebuildOncePerStep() throws InterruptedException {
        Endpoint a = Endpoint.of(Backend.of("a", "a:80"), LoadSignals.threadSafe(S).newLoad(0), HealthState.HEALTHY, -10 * W);
        Endpoint b = Endpoint.of(Backend.of("b", "b:80"), LoadSignals.threadSafe(S).newLoad(0), HealthState.HEALTHY, 0);
        Picker picker = slowStart(Map.of()).newPicker(EndpointSet.of(List.of(a, b)));
        int before = recording.builds();
        AtomicInteger nulls = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    if (picker.pick(RequestContext.NONE) == null) {
                        nulls.incrementAndGet();
                    }
                }
            }));
        }
        Thread ticker = new Thread(() -> {
            for (int i = 0; i < 40; i++) {
                clock.advanceNanos(W / 20);
                Thread.onSpinWait();
            }
        });
        threads.forEach(Thread::start);
        ticker.start();
        ticker.join();
        for (Thread t : threads) {
            t.join();
        }
        picker.pick(RequestContext.NONE); // the clock is past the window now: the last rebuild if not yet done
        assertThat(nulls.get()).isZero();
        // At most one rebuild per step can win its CAS: 40 clock steps, 20 of them inside the window.
        assertThat(recording.builds() - before).isBetween(1, 21);
        // What the published picker does, not what the last build recorded: a rebuild that lost its
        // CAS to a later one may well have been recorded last. At full weight the inner smooth
        // round robin alternates a and b exactly; at the ramp's 0.1 b would get 1 pick in 11.
        int picksOfB = 0;
        for (int i = 0; i < 1000; i++) {
            if (picker.pick(RequestContext.NONE).id().equals("b")) {
                picksOfB++;
            }
        }
        assertThat(picksOfB).isBetween(499, 501);
    }

    /**
     * A rebuild that is slower than a rebuild step must not publish over a later one. Thread T
     * starts the rebuild due at W/2 (b ramping at 0.5) and is held inside the inner strategy; the
     * main thread then picks at 2W, rebuilds with b at full weight and ends the ramp. When T is
     * let go its older picker must be dropped: otherwise it would be published after the ramp
     * ended and, with no deadline left, serve b at half weight forever.
     */
    @Test
    void aSlowRebuildDoesNotPublishOverALaterOne() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger builds = new AtomicInteger();
        Strategy slowSecondBuild = new Strategy() {
            @Override
            public String name() {
                return "slow-second-build";
            }

            @Override
            public Picker newPicker(EndpointSet endpoints) {
                if (builds.incrementAndGet() == 2) {
                    entered.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                Endpoint b = endpoints.available().stream().filter(e -> e.id().equals("b")).findFirst().orElseThrow();
                return ctx -> b;
            }
        };
        SlowStartWrapperProvider provider = new SlowStartWrapperProvider();
        Strategy wrapped = provider.wrap(slowSecondBuild, Parameters.defaults("slow-start", provider.parameters()), env);
        Endpoint a = Endpoint.of(Backend.of("a", "a:80"), LoadSignals.threadSafe(S).newLoad(0), HealthState.HEALTHY, -10 * W);
        Endpoint b = Endpoint.of(Backend.of("b", "b:80"), LoadSignals.threadSafe(S).newLoad(0), HealthState.HEALTHY, 0);
        Picker picker = wrapped.newPicker(EndpointSet.of(List.of(a, b)));
        assertThat(picker.pick(RequestContext.NONE).weight()).isEqualTo(0.1);

        clock.advanceNanos(W / 2);
        Thread slow = new Thread(() -> picker.pick(RequestContext.NONE));
        slow.start();
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        clock.advanceNanos(2 * W);
        assertThat(picker.pick(RequestContext.NONE).weight()).as("the ramp is over").isEqualTo(1.0);
        release.countDown();
        slow.join(10_000);

        clock.advanceNanos(W);
        for (int i = 0; i < 10; i++) {
            assertThat(picker.pick(RequestContext.NONE).weight()).as("pick %d after the slow rebuild", i).isEqualTo(1.0);
        }
        assertThat(builds.get()).isEqualTo(3);
    }

    @Test
    void badParametersAreRefused() {
        SlowStartWrapperProvider provider = new SlowStartWrapperProvider();
        Parameters defaults = Parameters.defaults("slow-start", provider.parameters());
        assertThat(defaults.getNanos("window")).isEqualTo(W);
        assertThat(defaults.getDouble("aggression")).isEqualTo(1.0);
        assertThat(defaults.getDouble("min-weight-percent")).isEqualTo(10.0);
        assertThatThrownBy(() -> Parameters.parse("slow-start", provider.parameters(), Map.of("window", "0s")))
                .hasMessageContaining("window");
        assertThatThrownBy(() -> Parameters.parse("slow-start", provider.parameters(), Map.of("aggression", 0)))
                .hasMessageContaining("aggression");
        assertThatThrownBy(() -> Parameters.parse("slow-start", provider.parameters(),
                Map.of("min-weight-percent", 101))).hasMessageContaining("min-weight-percent");
        assertThatThrownBy(() -> new SlowStart(recording, env, W, Double.NaN, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nameSaysWhatIsWrapped() {
        assertThat(slowStart(Map.of()).name()).isEqualTo("recording+slow-start");
    }
}
