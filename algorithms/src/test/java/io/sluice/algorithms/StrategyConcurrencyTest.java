package io.sluice.algorithms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every strategy under concurrent picks while membership and health change underneath: no pick
 * throws, every pick returns a member of some published snapshot, and no request count is lost
 * (each started request is ended exactly once, so every backend's in-flight returns to zero and
 * the completed counts add up to the picks).
 */
class StrategyConcurrencyTest {
    static List<String> strategies() {
        return StrategyRegistry.standard().strategyNames();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void concurrentPicksAndMembershipChangesLoseNoCounts(String name) throws Exception {
        Environment env = Environment.system();
        LoadBalancer lb = LoadBalancer.create(StrategyRegistry.standard().create(name, env), env);
        List<Backend> all = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            all.add(Backend.of("b" + i, "127.0.0.1:" + (9000 + i), 1 + i % 4));
        }
        lb.setBackends(all);

        // Every BackendLoad ever handed out, so counts on removed backends are not lost from the sum.
        Map<BackendLoad, Boolean> loads = java.util.Collections.synchronizedMap(new IdentityHashMap<>());
        Map<String, Boolean> everMember = new ConcurrentHashMap<>();
        all.forEach(b -> everMember.put(b.id(), true));

        int threads = 4;
        int picksPerThread = 20_000;
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            List<Future<Long>> pickers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int thread = t;
                pickers.add(pool.submit(() -> {
                    start.await();
                    long picked = 0;
                    for (int i = 0; i < picksPerThread; i++) {
                        RequestContext ctx = i % 3 == 0 ? RequestContext.NONE
                                : RequestContext.ofKey("k" + thread + "-" + (i % 257));
                        Endpoint e = lb.pick(ctx);
                        if (e == null) {
                            continue;
                        }
                        assertThat(everMember).containsKey(e.id());
                        loads.put(e.load(), true);
                        e.load().onRequestStart();
                        e.load().onRequestEnd(env.nanoTime(), 1000 + i % 5000, i % 17 != 0);
                        picked++;
                    }
                    return picked;
                }));
            }
            Future<?> churn = pool.submit(() -> {
                start.await();
                int round = 0;
                while (!stop.get()) {
                    List<Backend> next = new ArrayList<>(all.subList(0, 8 + round % 8));
                    next.add(Backend.of("extra" + round % 5, "127.0.0.2:" + (7000 + round % 5), 2));
                    everMember.put("extra" + round % 5, true);
                    lb.setBackends(next);
                    lb.setHealth("b" + round % 8, round % 2 == 0 ? HealthState.EJECTED : HealthState.HEALTHY);
                    round++;
                    Thread.onSpinWait();
                }
                return null;
            });
            start.countDown();
            long total = 0;
            for (Future<Long> f : pickers) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            stop.set(true);
            churn.get(10, TimeUnit.SECONDS);

            long counted = 0;
            synchronized (loads) {
                for (BackendLoad load : loads.keySet()) {
                    assertThat(load.inFlight()).isZero();
                    counted += load.completed() + load.failed();
                }
            }
            assertThat(total).as("picks returned a backend").isPositive();
            assertThat(counted).as("completed + failed over every backend ever picked").isEqualTo(total);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }
}
