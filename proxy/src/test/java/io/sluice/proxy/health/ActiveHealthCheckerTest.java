package io.sluice.proxy.health;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.health.HealthCheckConfig;
import io.sluice.algorithms.health.InitialState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The checker against real sockets on 127.0.0.1, with its timers on a virtual clock
 * ({@link ManualScheduler}): the test decides when each check and each timeout fires, and reads
 * the interval the checker asked for, so nothing depends on how fast this machine is.
 */
class ActiveHealthCheckerTest {
    private static final long MS = 1_000_000L;
    private static final long INTER = 2_000 * MS;
    private static final long FAST = 500 * MS;
    private static final long DOWN = 5_000 * MS;
    private static final long TIMEOUT = 1_000 * MS;

    private EventLoopGroup group;
    private final ManualScheduler clock = new ManualScheduler();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private NettyActiveHealthChecker checker;

    @BeforeEach
    void startLoop() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void stopAll() throws Exception {
        if (checker != null) {
            checker.stop().get(20, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
    }

    private static HealthCheckConfig.Builder config() {
        return HealthCheckConfig.builder().rise(2).fall(3).inter(INTER).fastinter(FAST).downinter(DOWN)
                .initialState(InitialState.FULLY_UP);
    }

    private static CheckSpec http() {
        return CheckSpec.http("/health").withTimeout(TIMEOUT).withSpreadPercent(0);
    }

    private NettyActiveHealthChecker checker(CheckSpec spec, HealthCheckConfig config) {
        return checker(spec, config, (id, state, reason) -> events.add(id + " " + state + " " + reason));
    }

    private NettyActiveHealthChecker checker(CheckSpec spec, HealthCheckConfig config, HealthListener listener) {
        checker = new NettyActiveHealthChecker(spec, config, group, NioSocketChannel::new, NioDatagramChannel::new,
                Environment.virtual(clock::now, 42), listener, clock);
        return checker;
    }

    private TestHttpBackend backend() throws Exception {
        TestHttpBackend b = new TestHttpBackend();
        closeAfter.add(b);
        return b;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(2);
        }
    }

    private ActiveHealthChecker.BackendCheckStatus status(String id) {
        return checker.statuses().stream().filter(s -> s.backendId().equals(id)).findFirst().orElseThrow();
    }

    /** With one backend checked: fires its next check and waits for the result and the next check's timer. */
    private ActiveHealthChecker.BackendCheckStatus checkOnce(String id) throws InterruptedException {
        long before = status(id).checks();
        clock.fireNext();
        await("check " + (before + 1) + " of " + id + " has a result",
                () -> status(id).checks() == before + 1 && clock.pending().size() == 1);
        return status(id);
    }

    private long nextDelay() {
        return clock.pending().get(0).delayNanos;
    }

    @Test
    void httpCheckFollowsRiseAndFallAndPicksTheIntervalForEachState() throws Exception {
        TestHttpBackend server = backend();
        checker(http(), config().build()).update(List.of(Backend.of("b1", server.address())));
        await("the first check is scheduled", () -> clock.pending().size() == 1);
        assertThat(nextDelay()).isBetween(0L, INTER - 1);

        assertThat(checkOnce("b1").lastResult()).isEqualTo("HTTP status 200");
        assertThat(nextDelay()).as("fully up: inter").isEqualTo(INTER);

        server.answer(503);
        checkOnce("b1");
        assertThat(nextDelay()).as("up but failing: fastinter").isEqualTo(FAST);
        checkOnce("b1");
        assertThat(events).isEmpty();
        ActiveHealthChecker.BackendCheckStatus down = checkOnce("b1");
        assertThat(down.healthState()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(events).containsExactly("b1 UNHEALTHY HTTP status 503, expected 200-399; 0/2 DOWN");
        assertThat(nextDelay()).as("fully down: downinter").isEqualTo(DOWN);

        server.answer(204);
        checkOnce("b1");
        assertThat(nextDelay()).as("down but passing: fastinter").isEqualTo(FAST);
        ActiveHealthChecker.BackendCheckStatus up = checkOnce("b1");
        assertThat(up.healthState()).isEqualTo(HealthState.HEALTHY);
        assertThat(events).last().isEqualTo("b1 HEALTHY HTTP status 204; 3/3 UP");
        assertThat(up.status().transitions()).isEqualTo(2);
        assertThat(up.passed()).isEqualTo(3);
        assertThat(up.failed()).isEqualTo(3);
        assertThat(up.timedOut()).isZero();
        assertThat(checker.health("b1")).contains(HealthState.HEALTHY);
        assertThat(checker.health("nobody")).isEmpty();
    }

    @Test
    void sendsGetWithPathHostAndConnectionCloseOnANewConnectionPerCheck() throws Exception {
        TestHttpBackend server = backend();
        checker(http(), config().build()).update(List.of(Backend.of("b1", server.address())));
        await("the first check is scheduled", () -> clock.pending().size() == 1);
        checkOnce("b1");
        checkOnce("b1");
        String head = server.nextRequest().toLowerCase();
        assertThat(head).startsWith("get /health http/1.1\r\n");
        assertThat(head).contains("\r\nhost: " + server.address() + "\r\n");
        assertThat(head).contains("\r\nconnection: close\r\n");
        assertThat(head).contains("\r\nuser-agent: sluice-health-check\r\n");
        assertThat(server.accepted()).isEqualTo(2);
    }

    @Test
    void sendsTheConfiguredHostHeaderAndHonoursASingleExpectedStatus() throws Exception {
        TestHttpBackend server = backend();
        checker(http().withHost("health.internal").withExpectStatus("204"), config().build())
                .update(List.of(Backend.of("b1", server.address())));
        await("the first check is scheduled", () -> clock.pending().size() == 1);
        assertThat(checkOnce("b1").lastResult()).isEqualTo("HTTP status 200, expected 204");
        assertThat(server.nextRequest().toLowerCase()).contains("\r\nhost: health.internal\r\n");
        server.answer(204);
        assertThat(checkOnce("b1").lastResult()).isEqualTo("HTTP status 204");
    }

    @Test
    void keepAliveReusesOneConnectionAndReconnectsAfterTheBackendDropsIt() throws Exception {
        TestHttpBackend server = backend();
        checker(http().withKeepAlive(true), config().build()).update(List.of(Backend.of("b1", server.address())));
        await("the first check is scheduled", () -> clock.pending().size() == 1);
        checkOnce("b1");
        checkOnce("b1");
        checkOnce("b1");
        assertThat(server.accepted()).isEqualTo(1);
        assertThat(server.nextRequest().toLowerCase()).contains("\r\nconnection: keep-alive\r\n");

        server.dropConnections();
        assertThat(checkOnce("b1").lastResult()).isEqualTo("HTTP status 200");
        assertThat(status("b1").failed()).isZero();
        assertThat(server.accepted()).isEqualTo(2);
    }

    @Test
    void aKeptConnectionClosedBeforeAnyResponseIsRetriedOnceOnANewConnection() throws Exception {
        TestHttpBackend server = backend();
        checker(http().withKeepAlive(true), config().build()).update(List.of(Backend.of("b1", server.address())));
        await("the first check is scheduled", () -> clock.pending().size() == 1);
        checkOnce("b1");
        server.mode(TestHttpBackend.Mode.CLOSE_ONCE);
        ActiveHealthChecker.BackendCheckStatus s = checkOnce("b1");
        assertThat(s.lastResult()).isEqualTo("HTTP status 200");
        assertThat(s.failed()).isZero();
        assertThat(server.accepted()).isEqualTo(2);
    }

    @Test
    void aNewConnectionClosedWithoutAResponseFails() throws Exception {
        TestHttpBackend server = backend();
        server.mode(TestHttpBackend.Mode.CLOSE);
        checker(http(), config().build()).update(List.of(Backend.of("b1", server.address())));
        await("the first check is scheduled", () -> clock.pending().size() == 1);
        ActiveHealthChecker.BackendCheckStatus s = checkOnce("b1");
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.lastResult()).isEqualTo("connection closed before a response");
    }

    @Test
    void aSlowBackendTimesOutAndItsConnectionIsClosed() throws Exception {
        TestHttpBackend server = backend();
        server.mode(TestHttpBackend.Mode.SLOW);
        checker(http(), config().rise(1).fall(1).build()).update(List.of(Backend.of("b1", server.address())));
        await("the first check is scheduled", () -> clock.pending().size() == 1);
        clock.fireNext();
        server.nextRequest();
        assertThat(clock.pending()).hasSize(1);
        assertThat(nextDelay()).as("the timeout").isEqualTo(TIMEOUT);
        clock.fireNext();
        await("the timeout is a result", () -> status("b1").checks() == 1 && clock.pending().size() == 1);
        ActiveHealthChecker.BackendCheckStatus s = status("b1");
        assertThat(s.timedOut()).isEqualTo(1);
        assertThat(s.lastResult()).isEqualTo("timeout after 1s");
        assertThat(events).containsExactly("b1 UNHEALTHY timeout after 1s; 0/1 DOWN");
        await("the backend sees the check connection closed", () -> server.closedByPeer() == 1);
    }

    @Test
    void tcpCheckPassesOnConnectAndFailsOnARefusedPort() throws Exception {
        TestHttpBackend server = backend();
        int closed = TestHttpBackend.closedPort();
        checker(CheckSpec.tcp().withTimeout(TIMEOUT).withSpreadPercent(0), config().rise(1).fall(1).build())
                .update(List.of(Backend.of("up", server.address())));
        await("the first check is scheduled", () -> clock.pending().size() == 1);
        ActiveHealthChecker.BackendCheckStatus s = checkOnce("up");
        assertThat(s.passed()).isEqualTo(1);
        assertThat(s.lastResult()).isEqualTo("TCP connect ok");
        // The kernel completes the handshake before the server's accept() returns: wait for it.
        await("the backend accepts the check connection", () -> server.accepted() == 1);

        List<ManualScheduler.Task> old = clock.pending();
        checker.update(List.of(Backend.of("down", "127.0.0.1:" + closed)));
        await("only the new backend is scheduled", () -> old.stream().allMatch(t -> t.cancelled)
                && clock.pending().size() == 1);
        ActiveHealthChecker.BackendCheckStatus d = checkOnce("down");
        assertThat(d.failed()).isEqualTo(1);
        assertThat(d.lastResult()).startsWith("connect failed: ");
        assertThat(events).containsExactly("down UNHEALTHY " + d.lastResult() + "; 0/1 DOWN");
    }

    @Test
    void aBackendStartingDownIsReportedAtOnce() throws Exception {
        TestHttpBackend server = backend();
        checker(http(), config().initialState(InitialState.FULLY_DOWN).build())
                .update(List.of(Backend.of("b1", server.address())));
        await("the first check is scheduled", () -> clock.pending().size() == 1);
        assertThat(events).containsExactly("b1 UNHEALTHY initial state 0/2 DOWN");
        assertThat(nextDelay()).isBetween(0L, DOWN - 1);
        checkOnce("b1");
        checkOnce("b1");
        assertThat(events).last().isEqualTo("b1 HEALTHY HTTP status 200; 3/3 UP");
    }

    @Test
    void firstChecksAreSpreadOverTheInterval() throws Exception {
        TestHttpBackend server = backend();
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            backends.add(Backend.of("b" + i, server.address()));
        }
        checker(http(), config().build()).update(backends);
        await("20 first checks are scheduled", () -> clock.pending().size() == 20);
        Set<Long> delays = new HashSet<>();
        for (ManualScheduler.Task t : clock.pending()) {
            assertThat(t.delayNanos).isBetween(0L, INTER - 1);
            delays.add(t.delayNanos);
        }
        // Uniform draws in [0, 2s) at nanosecond resolution: a collision has probability ~1e-7.
        assertThat(delays).hasSize(20);
    }

    @Test
    void spreadStretchesEachIntervalByAtMostItsPercentage() throws Exception {
        TestHttpBackend server = backend();
        checker(http().withSpreadPercent(10), config().build()).update(List.of(Backend.of("b1", server.address())));
        await("the first check is scheduled", () -> clock.pending().size() == 1);
        Set<Long> delays = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            checkOnce("b1");
            assertThat(nextDelay()).isBetween(INTER * 9 / 10, INTER * 11 / 10);
            delays.add(nextDelay());
        }
        assertThat(delays).hasSizeGreaterThan(1);
    }

    @Test
    void updateAddsKeepsRemovesAndRestartsOnAnAddressChange() throws Exception {
        TestHttpBackend one = backend();
        TestHttpBackend two = backend();
        checker(http(), config().build()).update(List.of(Backend.of("a", one.address())));
        await("a is scheduled", () -> clock.pending().size() == 1);
        checkOnce("a");
        long aChecks = status("a").checks();

        checker.update(List.of(Backend.of("a", one.address()), Backend.of("b", one.address())));
        await("b is scheduled too", () -> clock.pending().size() == 2);
        assertThat(status("a").checks()).as("a kept its state").isEqualTo(aChecks);

        List<ManualScheduler.Task> old = clock.pending();
        checker.update(List.of(Backend.of("b", two.address())));
        await("a's and the old b's timers are cancelled, the new b's set",
                () -> old.stream().allMatch(t -> t.cancelled) && clock.pending().size() == 1);
        assertThat(checker.statuses()).extracting(ActiveHealthChecker.BackendCheckStatus::address)
                .containsExactly(two.address());
        assertThat(status("b").checks()).as("an address change starts afresh").isZero();
        checkOnce("b");
        assertThat(two.accepted()).isEqualTo(1);
        assertThat(one.accepted()).isEqualTo(1);
    }

    @Test
    void aBadUpdateChangesNothing() throws Exception {
        TestHttpBackend server = backend();
        checker(http(), config().build()).update(List.of(Backend.of("a", server.address())));
        assertThatThrownBy(() -> checker.update(List.of(Backend.of("a", server.address()),
                Backend.of("a", server.address()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'");
        assertThatThrownBy(() -> checker.update(List.of(Backend.of("b", "no-port"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backend 'b'");
        assertThatThrownBy(() -> checker.update(List.of(Backend.of("b", "::1:80"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("brackets");
        assertThat(checker.statuses()).extracting(ActiveHealthChecker.BackendCheckStatus::backendId)
                .containsExactly("a");
    }

    @Test
    void anEmptyUpdateChecksNothing() throws Exception {
        checker(http(), config().build()).update(List.of());
        assertThat(checker.statuses()).isEmpty();
        assertThat(clock.pending()).isEmpty();
    }

    @Test
    void aThrowingListenerDoesNotStopTheChecks() throws Exception {
        TestHttpBackend server = backend();
        server.answer(500);
        AtomicInteger calls = new AtomicInteger();
        checker(http(), config().rise(1).fall(1).build(), (id, state, reason) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("listener bug");
        }).update(List.of(Backend.of("b1", server.address())));
        await("the first check is scheduled", () -> clock.pending().size() == 1);
        checkOnce("b1");
        server.answer(200);
        checkOnce("b1");
        assertThat(calls.get()).isEqualTo(2);
        assertThat(status("b1").healthState()).isEqualTo(HealthState.HEALTHY);
    }

    @Test
    void stopCancelsTimersClosesConnectionsAndRefusesUpdates() throws Exception {
        TestHttpBackend server = backend();
        checker(http().withKeepAlive(true), config().build()).update(List.of(Backend.of("b1", server.address())));
        await("the first check is scheduled", () -> clock.pending().size() == 1);
        checkOnce("b1");
        assertThat(server.closedByPeer()).isZero();

        checker.stop().get(20, TimeUnit.SECONDS);
        assertThat(clock.pending()).isEmpty();
        await("the kept connection is closed", () -> server.closedByPeer() == 1);
        assertThat(checker.statuses()).isEmpty();
        assertThat(checker.stop()).isDone();
        assertThatThrownBy(() -> checker.update(List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped");
    }

    @Test
    void stopDuringACheckClosesItsConnection() throws Exception {
        TestHttpBackend server = backend();
        server.mode(TestHttpBackend.Mode.SLOW);
        checker(http(), config().build()).update(List.of(Backend.of("b1", server.address())));
        await("the first check is scheduled", () -> clock.pending().size() == 1);
        clock.fireNext();
        server.nextRequest();
        checker.stop().get(20, TimeUnit.SECONDS);
        await("the check connection is closed", () -> server.closedByPeer() == 1);
        assertThat(clock.pending()).isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void onRealTimersABackendGoesDownAndComesBack() throws Exception {
        TestHttpBackend server = backend();
        server.answer(503);
        List<HealthState> seen = new CopyOnWriteArrayList<>();
        ActiveHealthChecker real = ActiveHealthChecker.create(
                CheckSpec.http("/health").withTimeout(5_000 * MS),
                HealthCheckConfig.builder().rise(1).fall(1).inter(10 * MS).build(),
                group, (id, state, reason) -> seen.add(state));
        try {
            real.update(List.of(Backend.of("b1", server.address())));
            await("the backend is marked down", () -> seen.contains(HealthState.UNHEALTHY));
            server.answer(200);
            await("the backend is marked up again", () -> seen.contains(HealthState.HEALTHY));
            assertThat(seen).startsWith(HealthState.UNHEALTHY, HealthState.HEALTHY);
        } finally {
            real.stop().get(20, TimeUnit.SECONDS);
        }
    }
}
