package io.sluice.proxy.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.health.HealthAggregator;
import io.sluice.algorithms.policy.HealthCheckPolicy;
import io.sluice.algorithms.policy.SharedCases;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SharedCases#HEALTH} through the proxy's path: the check the cluster makes of its policy
 * ({@link CheckSpec#of}) over a real socket to an HTTP backend answering 200 or 503, the policy's
 * state machine in the {@link NettyActiveHealthChecker}, and its opinions combined by a
 * {@link HealthAggregator} as {@code ClusterHealth} does. Timers run on a {@link ManualScheduler}.
 */
class SharedHealthCasesTest {
    private static final long MS = 1_000_000L;

    static Stream<SharedCases.HealthCase> cases() {
        return SharedCases.HEALTH.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void healthTransitions(SharedCases.HealthCase c) throws Exception {
        HealthCheckPolicy policy = c.policy().interval(100 * MS).timeout(50 * MS).build();
        ManualScheduler clock = new ManualScheduler();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        HealthAggregator health = new HealthAggregator((id, state) -> { });
        health.setBackends(List.of("b"));
        NettyActiveHealthChecker checker = null;
        try (TestHttpBackend server = new TestHttpBackend()) {
            server.answer(c.passing() ? 200 : 503);
            checker = new NettyActiveHealthChecker(CheckSpec.of(policy), policy.checks(), group,
                    NioSocketChannel::new, NioDatagramChannel::new, Environment.virtual(clock::now, 42),
                    (id, state, reason) -> health.setActive(id, state), clock);
            checker.update(List.of(Backend.of("b", server.address())));
            await(() -> clock.pending().size() == 1);
            boolean upAtStart = health.state("b") == HealthState.HEALTHY;
            assertThat(upAtStart).as("up before the first check").isEqualTo(c.upAtStart());

            int flip = 0;
            for (int i = 1; i <= SharedCases.MAX_CHECKS && flip == 0; i++) {
                NettyActiveHealthChecker k = checker;
                long before = status(k).checks();
                clock.fireNext();
                await(() -> status(k).checks() == before + 1 && clock.pending().size() == 1);
                if ((health.state("b") == HealthState.HEALTHY) != upAtStart) {
                    flip = i;
                }
            }
            assertThat(flip).as("checks until the state flips (0: never)").isEqualTo(c.checksToFlip());
        } finally {
            if (checker != null) {
                checker.stop().get(20, TimeUnit.SECONDS);
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static ActiveHealthChecker.BackendCheckStatus status(NettyActiveHealthChecker checker) {
        return checker.statuses().stream().filter(s -> s.backendId().equals("b")).findFirst().orElseThrow();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(2);
        }
    }
}
