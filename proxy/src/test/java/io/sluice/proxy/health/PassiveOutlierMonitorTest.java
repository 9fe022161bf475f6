package io.sluice.proxy.health;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.sluice.algorithms.health.EjectionReason;
import io.sluice.algorithms.health.OutlierConfig;
import io.sluice.algorithms.health.OutlierEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The monitor on a virtual clock ({@link ManualScheduler}) with an inline executor, plus one run on a real event loop. */
class PassiveOutlierMonitorTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    private final ManualScheduler clock = new ManualScheduler();
    private final List<String> events = new CopyOnWriteArrayList<>();

    private NettyOutlierMonitor monitor(OutlierConfig config, List<String> ids) {
        NettyOutlierMonitor m = new NettyOutlierMonitor(config, ids, ImmediateEventExecutor.INSTANCE, clock::now,
                (e, ejectedNow) -> events.add(e.kind() + " " + e.backendId() + " " + e.reason() + " " + ejectedNow),
                clock);
        m.start();
        return m;
    }

    private static OutlierConfig.Builder config() {
        return OutlierConfig.builder().consecutive5xx(3).interval(10 * S).baseEjectionTime(30 * S)
                .maxEjectionTime(300 * S).maxEjectionPercent(100).latencyFactor(0);
    }

    @Test
    void consecutive5xxEjectsAndTheRestoreTimerBringsTheBackendBackOnTime() {
        NettyOutlierMonitor m = monitor(config().build(), List.of("a", "b"));
        m.onResponse("a", 500, MS);
        m.onResponse("a", 500, MS);
        assertThat(events).isEmpty();
        m.onResponse("a", 500, MS);
        assertThat(events).containsExactly("EJECTED a CONSECUTIVE_5XX true");
        assertThat(m.isEjected("a")).isTrue();
        assertThat(m.isEjected("b")).isFalse();

        clock.advanceTo(30 * S - 1);
        assertThat(m.isEjected("a")).as("the sweeps at 10s and 20s do not end a 30s ejection").isTrue();
        clock.advanceTo(30 * S);
        assertThat(events).containsExactly("EJECTED a CONSECUTIVE_5XX true", "RESTORED a CONSECUTIVE_5XX false");
        assertThat(m.isEjected("a")).isFalse();
        assertThat(m.detector().stats().restorations()).isEqualTo(1);
    }

    @Test
    void localFailuresCountAgainstTheBackendAndASuccessResetsTheCount() {
        NettyOutlierMonitor m = monitor(config().build(), List.of("a", "b"));
        m.onResponse("a", 500, MS);
        m.onFailure("a", UpstreamFailure.RESET, MS);
        m.onResponse("a", 404, MS);
        m.onFailure("a", UpstreamFailure.CONNECT_FAILURE, MS);
        m.onResponse("a", 503, MS);
        assertThat(events).isEmpty();
        m.onFailure("a", UpstreamFailure.TIMEOUT, 5 * S);
        assertThat(events).containsExactly("EJECTED a CONSECUTIVE_5XX true");
    }

    @Test
    void theGatewayRuleCountsOnly502To504AndLocalFailures() {
        NettyOutlierMonitor m = monitor(config().consecutive5xx(0).consecutiveGatewayFailure(2).build(),
                List.of("a", "b"));
        m.onResponse("a", 500, MS);
        m.onResponse("a", 500, MS);
        m.onResponse("a", 500, MS);
        assertThat(events).isEmpty();
        m.onResponse("a", 502, MS);
        m.onFailure("a", UpstreamFailure.CONNECT_FAILURE, MS);
        assertThat(events).containsExactly("EJECTED a CONSECUTIVE_GATEWAY_FAILURE true");
    }

    @Test
    void theLatencyRuleRunsAtTheSweep() {
        // Costs 10, 10, 10 and 100 ms: median 10 ms, threshold 3 x 10 = 30 ms, so only d is an outlier.
        NettyOutlierMonitor m = monitor(config().consecutive5xx(0).latencyFactor(3).latencyMinimumRequests(5)
                .latencyMinimumHosts(3).build(), List.of("a", "b", "c", "d"));
        for (int i = 0; i < 10; i++) {
            m.onResponse("a", 200, 10 * MS);
            m.onResponse("b", 200, 10 * MS);
            m.onResponse("c", 200, 10 * MS);
            m.onResponse("d", 200, 100 * MS);
        }
        assertThat(events).isEmpty();
        clock.advanceTo(10 * S);
        assertThat(events).containsExactly("EJECTED d LATENCY true");
    }

    @Test
    void anOutlierOverTheBudgetIsSuppressedAndStaysIn() {
        // Default 10%: with 2 backends, 100 x (0 + 1) <= 10 x 2 is false, so nobody may be ejected.
        NettyOutlierMonitor m = monitor(config().maxEjectionPercent(10).build(), List.of("a", "b"));
        for (int i = 0; i < 3; i++) {
            m.onResponse("a", 500, MS);
        }
        assertThat(events).containsExactly("SUPPRESSED a CONSECUTIVE_5XX false");
        assertThat(m.isEjected("a")).isFalse();
    }

    @Test
    void membershipChangesApplyToReports() {
        NettyOutlierMonitor m = monitor(config().build(), List.of("a", "b"));
        m.update(List.of("b", "c"));
        for (int i = 0; i < 3; i++) {
            m.onResponse("a", 500, MS);
            m.onResponse("c", 500, MS);
        }
        assertThat(events).containsExactly("EJECTED c CONSECUTIVE_5XX true");
        assertThat(m.isEjected("a")).isFalse();
    }

    @Test
    void aSingleBackendCanBeEjectedWhenTheBudgetAllowsIt() {
        NettyOutlierMonitor m = monitor(config().build(), List.of("only"));
        for (int i = 0; i < 3; i++) {
            m.onResponse("only", 502, MS);
        }
        assertThat(events).containsExactly("EJECTED only CONSECUTIVE_5XX true");
    }

    @Test
    void stopCancelsTheTimersAndSilencesTheMonitor() {
        NettyOutlierMonitor m = monitor(config().build(), List.of("a", "b"));
        for (int i = 0; i < 3; i++) {
            m.onResponse("a", 500, MS);
        }
        assertThat(clock.pending()).hasSize(2);
        assertThat(m.stop()).isDone();
        assertThat(clock.pending()).isEmpty();
        for (int i = 0; i < 3; i++) {
            m.onResponse("b", 500, MS);
        }
        clock.advanceTo(100 * S);
        assertThat(events).containsExactly("EJECTED a CONSECUTIVE_5XX true");
        assertThat(m.stop()).isDone();
    }

    @Test
    void aThrowingListenerDoesNotStopDetection() {
        NettyOutlierMonitor m = new NettyOutlierMonitor(config().build(), List.of("a", "b"),
                ImmediateEventExecutor.INSTANCE, clock::now, (e, now) -> {
                    throw new IllegalStateException("listener bug");
                }, clock);
        m.start();
        for (int i = 0; i < 3; i++) {
            m.onResponse("a", 500, MS);
        }
        assertThat(m.isEjected("a")).isTrue();
        clock.advanceTo(30 * S);
        assertThat(m.isEjected("a")).isFalse();
    }

    @Test
    void onARealEventLoopReportsFromManyThreadsAreDeliveredOnTheLoopOnce() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventExecutor loop = group.next();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<OutlierEvent> seen = new CopyOnWriteArrayList<>();
        CountDownLatch four = new CountDownLatch(4);
        PassiveOutlierMonitor m = PassiveOutlierMonitor.start(config().consecutive5xx(5).build(),
                List.of("t0", "t1", "t2", "t3"), loop, (e, ejectedNow) -> {
                    threads.add(loop.inEventLoop() ? "loop" : Thread.currentThread().getName());
                    seen.add(e);
                    four.countDown();
                });
        try {
            List<Thread> reporters = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String id = "t" + t;
                Thread th = new Thread(() -> {
                    for (int i = 0; i < 1_000; i++) {
                        m.onResponse(id, 500, MS);
                    }
                });
                reporters.add(th);
                th.start();
            }
            for (Thread th : reporters) {
                th.join(20_000);
            }
            assertThat(four.await(20, TimeUnit.SECONDS)).isTrue();
            // Ejected backends do not trip again, so each is ejected exactly once.
            assertThat(seen).extracting(OutlierEvent::backendId).containsExactlyInAnyOrder("t0", "t1", "t2", "t3");
            assertThat(seen).allMatch(e -> e.kind() == OutlierEvent.Kind.EJECTED
                    && e.reason() == EjectionReason.CONSECUTIVE_5XX);
            assertThat(threads).containsExactly("loop");
        } finally {
            m.stop().get(20, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
