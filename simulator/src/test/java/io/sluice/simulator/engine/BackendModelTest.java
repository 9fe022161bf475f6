package io.sluice.simulator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.StrategySpec;
import io.sluice.algorithms.policy.ClusterPolicy;
import io.sluice.algorithms.policy.RetryPolicy;
import io.sluice.algorithms.policy.Timeouts;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Discipline;
import io.sluice.simulator.model.Distribution;
import io.sluice.simulator.model.LoadBalancerModel;
import io.sluice.simulator.model.ScriptedEvent;
import io.sluice.simulator.standin.FixedArrivals;
import io.sluice.simulator.standin.PoissonWorkload;
import io.sluice.simulator.workload.WorkloadSpec;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The backend model in scenarios small enough to work out by hand: deterministic service times
 * and fixed arrival times, so every expected latency is exact (to the nanosecond; HdrHistogram
 * values to its 3 significant digits).
 */
class BackendModelTest {
    static final long US = 1_000L;
    static final long MS = 1_000_000L;
    static final long SECOND = 1_000_000_000L;

    static BackendGroup.Builder constant(String name, int count, long serviceNanos) {
        return BackendGroup.builder(name, count).serviceTime(Distribution.constant(serviceNanos));
    }

    /** A policy of {@code strategy}, every other setting at its default. */
    static ClusterPolicy.Builder policy(String strategy) {
        return ClusterPolicy.builder(StrategySpec.of(strategy));
    }

    /** A connect timeout of {@code nanos} and the default response timeout. */
    static Timeouts connect(long nanos) {
        return new Timeouts(nanos, Timeouts.DEFAULT_RESPONSE_NANOS);
    }

    /** Round robin with a connect timeout and no retries: each failure shows as one. */
    static ClusterPolicy noRetries(long connectNanos) {
        return policy(QueueingValidationTest.ROUND_ROBIN).timeouts(connect(connectNanos)).retries(RetryPolicy.none())
                .build();
    }

    static SimulationConfig.Builder config(WorkloadSpec workload, BackendGroup... groups) {
        SimulationConfig.Builder b = SimulationConfig.builder()
                .strategy(StrategySpec.of(QueueingValidationTest.ROUND_ROBIN))
                .workload(workload)
                .durationNanos(SECOND)
                .seed(7);
        for (BackendGroup g : groups) {
            b.backends(g);
        }
        return b;
    }

    static SimulationResult run(SimulationConfig.Builder b) {
        return Simulation.of(b.build()).run();
    }

    /** The value HdrHistogram stores for {@code v} (3 significant digits): its bucket's highest equivalent. */
    static long hdr(long v) {
        Histogram h = new Histogram(3);
        return h.highestEquivalentValue(v);
    }

    @Test
    void oneRequestTakesServicePlusBothNetworkHops() {
        // 1 ms of service + 100 us out + 100 us back = 1.2 ms exactly.
        SimulationResult r = run(config(FixedArrivals.at(0), constant("s", 1, MS).build())
                .loadBalancer(LoadBalancerModel.builder().networkDelay(Distribution.constant(100 * US)).build()));
        assertThat(r.outcomes().requests()).isEqualTo(1);
        assertThat(r.outcomes().succeeded()).isEqualTo(1);
        assertThat(r.latency().meanNanos()).isEqualTo(1_200_000.0);
        assertThat(r.latency().maxNanos()).isEqualTo(hdr(1_200_000));
    }

    @Test
    void speedFactorDividesTheServiceTime() {
        SimulationResult r = run(config(FixedArrivals.at(0), constant("s", 1, MS).speed(2.0).build()));
        assertThat(r.latency().meanNanos()).isEqualTo(500_000.0);
    }

    @Test
    void serviceDemandScalesTheMeanServiceTime() {
        // demand 3 x mean 1 ms = 3 ms of work, at speed 1.5: 2 ms.
        SimulationResult r = run(config(FixedArrivals.at(0).withServiceDemand(3.0),
                constant("s", 1, MS).speed(1.5).build()));
        assertThat(r.latency().meanNanos()).isEqualTo(2_000_000.0);
    }

    @Test
    void fifoServesInArrivalOrderAndRejectsBeyondTheQueueCapacity() {
        // One server, room for one waiting request, 10 ms each; arrivals at 0, 1 and 2 ms.
        // First: 0..10 ms (10 ms). Second waits, 10..20 ms (19 ms). Third finds 2 held = 1 + 1: rejected.
        SimulationResult r = run(config(FixedArrivals.at(0, MS, 2 * MS),
                constant("s", 1, 10 * MS).queueCapacity(1).build()));
        assertThat(r.outcomes().succeeded()).isEqualTo(2);
        assertThat(r.outcomes().rejected()).isEqualTo(1);
        assertThat(r.outcomes().rejectionRate()).isEqualTo(1.0 / 3);
        assertThat(r.latency().meanNanos()).isEqualTo((10 + 19) * 1e6 / 2);
    }

    @Test
    void queueCapacityZeroRejectsWheneverEveryServerIsBusy() {
        SimulationResult r = run(config(FixedArrivals.at(0, 0, 0, 0),
                constant("s", 1, 10 * MS).concurrency(2).queueCapacity(0).build()));
        assertThat(r.outcomes().succeeded()).isEqualTo(2);
        assertThat(r.outcomes().rejected()).isEqualTo(2);
    }

    @Test
    void concurrencyServesThatManyAtOnce() {
        // Three servers, four 10 ms requests at t = 0: three end at 10 ms, the fourth at 20 ms.
        SimulationResult r = run(config(FixedArrivals.at(0, 0, 0, 0), constant("s", 1, 10 * MS).concurrency(3).build()));
        assertThat(r.latency().meanNanos()).isEqualTo((3 * 10 + 20) * 1e6 / 4);
    }

    @Test
    void processorSharingSplitsTheServerEvenly() {
        // Two 1 ms requests at t = 0 on one shared server: each runs at half speed, both end at 2 ms
        // (FIFO would end them at 1 and 2 ms).
        SimulationResult ps = run(config(FixedArrivals.at(0, 0),
                constant("s", 1, MS).discipline(Discipline.PROCESSOR_SHARING).build()));
        assertThat(ps.latency().meanNanos()).isEqualTo(2_000_000.0);
        SimulationResult fifo = run(config(FixedArrivals.at(0, 0), constant("s", 1, MS).build()));
        assertThat(fifo.latency().meanNanos()).isEqualTo(1_500_000.0);
    }

    @Test
    void processorSharingWithSeveralServersRunsUpToThatManyAtFullSpeed() {
        // c = 2, three 3 ms requests at t = 0: each gets 2/3 of a server, all end at 4.5 ms.
        // A fourth arrives at 4.5 ms alone: 3 ms.
        SimulationResult r = run(config(FixedArrivals.at(0, 0, 0, 4_500_000),
                constant("s", 1, 3 * MS).concurrency(2).discipline(Discipline.PROCESSOR_SHARING).build()));
        assertThat(r.latency().meanNanos()).isEqualTo((3 * 4.5 + 3) * 1e6 / 4);
    }

    @Test
    void aStallPausesTheRequestsInService() {
        // 1 ms request at 0, a 10 ms stall from 0.5 ms: it ends at 11 ms.
        SimulationResult r = run(config(FixedArrivals.at(0), constant("s", 1, MS).build())
                .event(ScriptedEvent.stall("s-0", 500 * US, 10 * MS)));
        assertThat(r.latency().meanNanos()).isEqualTo(11_000_000.0);
    }

    @Test
    void aSlowdownStretchesTheWorkLeftInItsWindow() {
        // 2 ms request at 0; from 1 ms the backend is 2x slower: 1 ms of work left takes 2 ms, end 3 ms.
        // A request at 500 ms, after the window, takes its normal 2 ms.
        SimulationResult r = run(config(FixedArrivals.at(0, 500 * MS), constant("s", 1, 2 * MS).build())
                .event(ScriptedEvent.slowdown("s-0", 2.0, MS, 100 * MS)));
        assertThat(r.latency().maxNanos()).isEqualTo(hdr(3 * MS));
        assertThat(r.latency().meanNanos()).isEqualTo(2.5e6);
    }

    @Test
    void overlappingSlowdownsMultiply() {
        SimulationResult r = run(config(FixedArrivals.at(10 * MS), constant("s", 1, MS).build())
                .event(ScriptedEvent.slowdown("s-0", 2.0, 0, 100 * MS))
                .event(ScriptedEvent.slowdown("s-0", 3.0, 5 * MS, 50 * MS)));
        assertThat(r.latency().meanNanos()).isEqualTo(6_000_000.0);
    }

    @Test
    void aCrashFailsTheHeldRequestsAndBlackHolesNewOnesUntilTheConnectTimeout() {
        // One backend, 10 ms service, crash at 5 ms, recover at 100 ms; 50 ms connect timeout.
        // t=0: in service at the crash: error (a reset, seen at 5 ms).
        // t=20 ms: black-holed, error at 70 ms.
        // t=200 ms: served normally, 10 ms.
        SimulationResult r = run(config(FixedArrivals.at(0, 20 * MS, 200 * MS), constant("s", 1, 10 * MS).build())
                .policy(noRetries(50 * MS))
                .event(ScriptedEvent.crash("s-0", 5 * MS))
                .event(ScriptedEvent.recover("s-0", 100 * MS)));
        assertThat(r.outcomes().errors()).isEqualTo(2);
        assertThat(r.outcomes().succeeded()).isEqualTo(1);
        assertThat(r.latency().meanNanos()).isEqualTo(10_000_000.0);
        // Busy 0..5 ms and 200..210 ms of a 1 s window.
        assertThat(r.backends().get(0).utilisation()).isCloseTo(0.015, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void heterogeneousFleetUtilisationFollowsSpeed() {
        // Random routing of 1000/s over 2 slow (speed 1) and 2 fast (speed 2) backends, exponential
        // service with mean 1 ms: each gets 250/s, so utilisation is 0.25 on a slow one and 0.125 on a
        // fast one. Over 100 s (25,000 requests each) the standard error of a utilisation is below
        // 0.003; tolerance 0.015.
        SimulationResult r = run(SimulationConfig.builder()
                .backends(BackendGroup.builder("slow", 2).serviceTime(Distribution.exponential(MS)).build())
                .backends(BackendGroup.builder("fast", 2).serviceTime(Distribution.exponential(MS)).speed(2).build())
                .strategy(StrategySpec.of(QueueingValidationTest.RANDOM))
                .workload(PoissonWorkload.of(1000))
                .durationNanos(100 * SECOND)
                .seed(3));
        assertThat(r.backends()).extracting(b -> b.id()).containsExactly("slow-0", "slow-1", "fast-0", "fast-1");
        for (int i = 0; i < 2; i++) {
            assertThat(r.backends().get(i).utilisation()).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.015));
            assertThat(r.backends().get(2 + i).utilisation()).isCloseTo(0.125,
                    org.assertj.core.data.Offset.offset(0.015));
        }
        long total = r.backends().stream().mapToLong(b -> b.requests()).sum();
        assertThat(total).isEqualTo(r.outcomes().requests());
    }

    @Test
    void empiricalServiceTimesResample() {
        // Every sample is 2 ms or 4 ms; one request at a time, so each latency is one of them.
        SimulationResult r = run(config(FixedArrivals.every(0, 10 * MS, 50),
                BackendGroup.builder("s", 1).serviceTime(Distribution.empirical(new double[] {2e6, 4e6})).build()));
        Histogram h = r.latencyHistogram();
        assertThat(h.getCountAtValue(2 * MS) + h.getCountAtValue(4 * MS)).isEqualTo(50);
        assertThat(h.getCountAtValue(2 * MS)).isBetween(10L, 40L);
    }
}
