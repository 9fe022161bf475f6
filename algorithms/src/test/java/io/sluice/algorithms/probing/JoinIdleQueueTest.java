package io.sluice.algorithms.probing;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.VirtualClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JoinIdleQueueTest {
    private final VirtualClock clock = new VirtualClock();
    private final Environment env = Environment.virtual(clock, 11);

    private JoinIdleQueue jiq(String fallback) {
        JoinIdleQueueStrategyProvider provider = new JoinIdleQueueStrategyProvider();
        return (JoinIdleQueue) provider.create(
                Parameters.parse("strategy 'join-idle-queue'", provider.parameters(), Map.of("fallback", fallback)), env);
    }

    private LoadBalancer balancer(Strategy strategy, String... ids) {
        LoadBalancer lb = LoadBalancer.create(strategy, env);
        List<Backend> backends = new ArrayList<>();
        for (String id : ids) {
            backends.add(Backend.of(id, id + ":80"));
        }
        lb.setBackends(backends);
        return lb;
    }

    /** Picks and starts a request there, as a proxy would. */
    private String send(LoadBalancer lb) {
        Endpoint e = lb.pick(RequestContext.NONE);
        e.load().onRequestStart();
        return e.id();
    }

    private void finish(LoadBalancer lb, String id) {
        lb.endpoint(id).load().onRequestEnd(clock.getAsLong(), 1_000_000L, true);
    }

    @Test
    void emptySetPicksNothing() {
        assertThat(jiq("random").newPicker(EndpointSet.empty()).pick(RequestContext.NONE)).isNull();
        LoadBalancer lb = balancer(jiq("p2c"));
        assertThat(lb.pick(RequestContext.NONE)).isNull();
    }

    @Test
    void allUnavailablePicksNothing() {
        LoadBalancer lb = balancer(jiq("p2c"), "a", "b");
        lb.setHealth("a", HealthState.UNHEALTHY);
        lb.setHealth("b", HealthState.DRAINING);
        assertThat(lb.pick(RequestContext.NONE)).isNull();
    }

    @Test
    void everyIdleBackendIsUsedBeforeAnyGetsASecondRequest() {
        LoadBalancer lb = balancer(jiq("random"), "a", "b", "c", "d");
        Set<String> first = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            first.add(send(lb));
        }
        assertThat(first).containsExactlyInAnyOrder("a", "b", "c", "d");
    }

    @Test
    void aBackendThatGoesIdleGetsTheNextRequest() {
        LoadBalancer lb = balancer(jiq("random"), "a", "b", "c", "d");
        for (int i = 0; i < 4; i++) {
            send(lb);
        }
        finish(lb, "c");
        assertThat(send(lb)).isEqualTo("c");
        // Idle reports are served oldest first.
        finish(lb, "d");
        finish(lb, "a");
        finish(lb, "c");
        assertThat(send(lb)).isEqualTo("d");
        assertThat(send(lb)).isEqualTo("a");
        assertThat(send(lb)).isEqualTo("c");
    }

    @Test
    void aBackendWithRequestsLeftDoesNotJoin() {
        LoadBalancer lb = balancer(jiq("p2c"), "a", "b");
        send(lb);
        send(lb);
        lb.endpoint("a").load().onRequestStart(); // a: 2 in flight, b: 1
        finish(lb, "a");                           // a: 1 left, not idle
        JoinIdleQueue strategy = (JoinIdleQueue) lb.strategy();
        assertThat(strategy.idleQueue().size()).isZero();
        finish(lb, "a");                           // now idle: joins
        assertThat(strategy.idleQueue().size()).isEqualTo(1);
        assertThat(send(lb)).isEqualTo("a");
    }

    @Test
    void aStaleIdleReportIsSkipped() {
        LoadBalancer lb = balancer(jiq("p2c"), "a", "b", "c");
        for (int i = 0; i < 3; i++) {
            send(lb);
        }
        finish(lb, "a");                           // a joins the idle queue ...
        lb.endpoint("a").load().onRequestStart();  // ... and gets busy again by another route
        lb.endpoint("a").load().onRequestStart();  // a: 2 in flight, b and c: 1
        JoinIdleQueue strategy = (JoinIdleQueue) lb.strategy();
        assertThat(strategy.idleQueue().size()).isEqualTo(1);
        // The pick drops a's stale report and falls back to p2c, which can never choose a
        // (strictly the most loaded, and the two choices are distinct).
        Endpoint e = lb.pick(RequestContext.NONE);
        assertThat(e.id()).isIn("b", "c");
        assertThat(strategy.idleQueue().size()).isZero();
    }

    @Test
    void anUnavailableIdleBackendIsNotPicked() {
        LoadBalancer lb = balancer(jiq("random"), "a", "b", "c");
        send(lb);
        send(lb);
        send(lb);
        finish(lb, "a");
        lb.setHealth("a", HealthState.UNHEALTHY); // a's idle report is still queued
        for (int i = 0; i < 50; i++) {
            assertThat(lb.pick(RequestContext.NONE).id()).isIn("b", "c");
        }
    }

    @Test
    void aRebuildSeedsTheQueueOnceWithTheIdleBackends() {
        LoadBalancer lb = balancer(jiq("random"), "a", "b", "c");
        JoinIdleQueue strategy = (JoinIdleQueue) lb.strategy();
        assertThat(strategy.idleQueue().size()).isEqualTo(3);
        lb.refresh();
        lb.refresh();
        assertThat(strategy.idleQueue().size()).isEqualTo(3); // no duplicates
        send(lb);
        lb.refresh();
        assertThat(strategy.idleQueue().size()).isEqualTo(2);
    }

    @Test
    void oneBusyBackendIsStillPicked() {
        LoadBalancer lb = balancer(jiq("p2c"), "a");
        assertThat(send(lb)).isEqualTo("a");
        assertThat(send(lb)).isEqualTo("a");
        LoadBalancer random = balancer(jiq("random"), "a");
        assertThat(send(random)).isEqualTo("a");
        assertThat(send(random)).isEqualTo("a");
    }

    @Test
    void p2cFallbackNeverPicksTheStrictlyMostLoaded() {
        LoadBalancer lb = balancer(jiq("p2c"), "a", "b", "c", "d");
        for (int i = 0; i < 4; i++) {
            send(lb);
        }
        for (int i = 0; i < 4; i++) {
            lb.endpoint("a").load().onRequestStart(); // a: 5 in flight, the rest 1
        }
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            counts.merge(lb.pick(RequestContext.NONE).id(), 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys("b", "c", "d");
    }

    /**
     * The p2c fallback reads a negative in-flight count (a request ended twice) as idle, as every
     * strategy does. b is idle and queued, so it takes the first pick; a at -1 is not "idle" (not
     * 0) and never queued. With the queue empty every pick falls back to comparing a and b, which
     * tie at 0 in flight: the first draw wins, 1/2 each, 2,000 +- 158 of 4,000 (5 sigma). Read
     * raw, -1 beats 0 and a would take all 4,000.
     */
    @Test
    void p2cFallbackReadsANegativeInFlightCountAsIdle() {
        LoadBalancer lb = balancer(jiq("p2c"), "a", "b");
        lb.endpoint("a").load().onRequestEnd(clock.getAsLong(), 1_000_000L, true);
        lb.refresh();
        assertThat(lb.pick(RequestContext.NONE).id()).isEqualTo("b");
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            counts.merge(lb.pick(RequestContext.NONE).id(), 1, Integer::sum);
        }
        assertThat(counts.getOrDefault("a", 0)).isBetween(1842, 2158);
    }

    @Test
    void randomFallbackIsUniform() {
        // No backend idle: Binomial(4000, 1/4) per backend, mean 1000, sd 27.4; +-5 sd = [863, 1137].
        LoadBalancer lb = balancer(jiq("random"), "a", "b", "c", "d");
        for (int i = 0; i < 4; i++) {
            send(lb);
        }
        lb.endpoint("a").load().onRequestStart();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            counts.merge(lb.pick(RequestContext.NONE).id(), 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys("a", "b", "c", "d");
        counts.values().forEach(c -> assertThat(c).isBetween(863, 1137));
    }

    @Test
    void underLoadJoinIdleQueueKeepsQueuesShorterThanRandom() {
        // A scenario in virtual time: 8 backends each serving a request in exactly 10 ms, one FIFO
        // queue each; 600 requests arrive 2 ms apart. A backend is busy for 10 ms per request, so
        // at most 5 requests (those of the last 10 ms) are in service at once and JIQ, which sends
        // every request to an idle backend while there is one, never queues a request. Random
        // dispatch meets a busy backend on roughly 5/8 of arrivals (measured: 364 of 600).
        int jiqQueued = queuedArrivals(jiq("random"));
        int randomQueued = queuedArrivals(new UniformRandom(env));
        assertThat(jiqQueued).isZero();
        assertThat(randomQueued).isGreaterThan(250);
    }

    /** Counts arrivals sent to a backend that already had a request in flight. */
    private int queuedArrivals(Strategy strategy) {
        LoadBalancer lb = balancer(strategy, "a", "b", "c", "d", "e", "f", "g", "h");
        long service = 10_000_000L;
        Map<String, List<Long>> finishing = new HashMap<>();
        int queued = 0;
        for (int i = 0; i < 600; i++) {
            long now = clock.getAsLong();
            // End every request due by now, in time order per backend (FIFO service).
            for (Map.Entry<String, List<Long>> entry : finishing.entrySet()) {
                List<Long> ends = entry.getValue();
                while (!ends.isEmpty() && ends.get(0) <= now) {
                    ends.remove(0);
                    lb.endpoint(entry.getKey()).load().onRequestEnd(now, service, true);
                }
            }
            Endpoint e = lb.pick(RequestContext.NONE);
            if (e.load().inFlight() > 0) {
                queued++;
            }
            e.load().onRequestStart();
            List<Long> ends = finishing.computeIfAbsent(e.id(), k -> new ArrayList<>());
            long start = ends.isEmpty() ? now : Math.max(now, ends.get(ends.size() - 1));
            ends.add(start + service);
            clock.advanceMillis(2);
        }
        return queued;
    }

    /** Uniform random dispatch, the baseline JIQ is compared against in Lu et al. */
    private static final class UniformRandom implements Strategy {
        private final Environment env;

        UniformRandom(Environment env) {
            this.env = env;
        }

        @Override
        public String name() {
            return "uniform-random";
        }

        @Override
        public io.sluice.algorithms.Picker newPicker(EndpointSet endpoints) {
            List<Endpoint> available = endpoints.available();
            return ctx -> available.isEmpty() ? null : available.get(env.random().nextInt(available.size()));
        }
    }

    @Test
    void badFallbackIsRefused() {
        JoinIdleQueueStrategyProvider provider = new JoinIdleQueueStrategyProvider();
        assertThat(provider.name()).isEqualTo("join-idle-queue");
        assertThat(Parameters.defaults("jiq", provider.parameters()).getString("fallback")).isEqualTo("random");
        assertThatThrownBy(() -> Parameters.parse("jiq", provider.parameters(), Map.of("fallback", "round-robin")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fallback");
    }

    /**
     * A retry passes over the idle entries of the backends it tried without spending them: with
     * a, b, c tried, the retry takes d (the only untried idle one), and the three entries stay
     * queued for the next requests, which get a, b and c.
     */
    @Test
    void aRetryLeavesTheEntriesOfTriedBackendsQueued() {
        JoinIdleQueue strategy = jiq("random");
        LoadBalancer lb = balancer(strategy, "a", "b", "c", "d");
        assertThat(strategy.idleQueue().size()).isEqualTo(4);
        io.sluice.algorithms.Tried tried = io.sluice.algorithms.Tried.of(lb.endpoint("a"))
                .with(lb.endpoint("b")).with(lb.endpoint("c"));
        Endpoint retry = lb.pick(RequestContext.NONE, tried);
        assertThat(retry.id()).isEqualTo("d");
        retry.load().onRequestStart();
        assertThat(strategy.idleQueue().size()).isEqualTo(3);
        assertThat(List.of(send(lb), send(lb), send(lb))).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(strategy.idleQueue().size()).isZero();
    }

    /** With every idle backend tried, a retry falls back among the untried busy ones and still spends nothing. */
    @Test
    void aRetryWithOnlyTriedIdleBackendsFallsBackToTheUntried() {
        JoinIdleQueue strategy = jiq("p2c");
        LoadBalancer lb = balancer(strategy, "a", "b", "c");
        String busy = send(lb);
        List<String> idle = new ArrayList<>(List.of("a", "b", "c"));
        idle.remove(busy);
        io.sluice.algorithms.Tried tried = io.sluice.algorithms.Tried.of(lb.endpoint(idle.get(0)))
                .with(lb.endpoint(idle.get(1)));
        assertThat(lb.pick(RequestContext.NONE, tried).id()).isEqualTo(busy);
        assertThat(strategy.idleQueue().size()).isEqualTo(2);
        tried = tried.with(lb.endpoint(busy));
        assertThat(lb.pick(RequestContext.NONE, tried)).isNull();
    }
}
