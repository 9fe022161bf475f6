package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.ratelimit.GlobalRateLimiter;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.config.proxy.ProxyConfigs;
import io.sluice.proxy.kafka.KafkaBroker;
import io.sluice.proxy.kafka.KafkaBrokerExtension;
import io.sluice.proxy.kafka.KafkaControlPlane;
import io.sluice.proxy.kafka.KafkaControlPlane.Counter;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A {@code scope: global} rate limit across three proxy instances in one JVM, sharing their usage
 * through a real KRaft broker, one real backend behind them, and skewed traffic: 60, 30 and 10 %
 * of 2,000 requests per second offered through the three, against a global limit of 1,000/s.
 *
 * <h2>The tolerance</h2>
 * The admitted rate is measured at the backend, as the time the {@code N = 4000} requests after the
 * warm-up take to arrive, so the window is {@code W = N / L}, about 4 s. In steady state each
 * instance is saturated (offered more than its share, see {@code GlobalShare.demandShare}: the
 * shares are 0.587, 0.302 and 0.112, local limits 587, 302 and 112/s against 1200, 600 and 200/s
 * offered), so each bucket is near empty at both ends of the window and the fleet admits
 * {@code L x W x (sum of shares)}, give or take:
 * <ul>
 *   <li>the burst: at most the global burst {@code B = 20} more at the window's start, 20 / 4000 = 0.5 %;</li>
 *   <li>the shares' sum: each instance divides by totals that include the others' last reports
 *       (interval {@code I = 100 ms}); with traffic paced at a constant rate the offered figures
 *       move by a few % between intervals, and the sum of shares errs by about
 *       {@code share x (1 - share) x that change}, under 1 % per interval and averaging out over
 *       the 40 intervals of the window;</li>
 *   <li>the backend's clock against the proxies' (forwarding delay jitter, a few ms): 1000/s x a few
 *       ms / 4 s, under 0.2 %.</li>
 * </ul>
 * About 2 % in the worst case, so the 5 % leaves room for a loaded 2-core machine (a stalled
 * publisher thread delays one instance's report by up to the staleness, 1 s, without changing the
 * figures it reports since the load is constant).
 */
@ExtendWith(KafkaBrokerExtension.class)
class GlobalRateLimitTest {
    private static final int LIMIT = 1000;
    private static final int BURST = 20;
    private static final int MEASURED = 4000;
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(60);

    @Test
    void threeInstancesWithSkewedTrafficAdmitTheGlobalLimitWithinFivePercent(KafkaBroker broker) throws Exception {
        AtomicLongArray arrivals = new AtomicLongArray(200_000);
        AtomicLong arrived = new AtomicLong();
        TestBackend backend = TestBackend.start("b", (b, req, out) -> {
            long i = arrived.getAndIncrement();
            if (i < arrivals.length()) {
                arrivals.set((int) i, System.nanoTime());
            }
            return TestBackend.hello(b, req, out);
        });
        List<AutoCloseable> open = new ArrayList<>();
        List<Load> loads = new ArrayList<>();
        try {
            Instance a = Instance.start(broker, "g-a", backend, open);
            Instance b = Instance.start(broker, "g-b", backend, open);
            Instance c = Instance.start(broker, "g-c", backend, open);
            List<Instance> all = List.of(a, b, c);
            await("every instance hears both peers", () -> all.stream().allMatch(i ->
                    i.cp.count(Counter.RATE_USAGE_APPLIED) > 0));

            // 2,000/s offered, 60/30/10 %, on connections of 200/s each.
            loads.add(Load.start(a.fixture.port(), 6, 200));
            loads.add(Load.start(b.fixture.port(), 3, 200));
            loads.add(Load.start(c.fixture.port(), 1, 200));

            // Warm-up: the shares follow the skew (a's above b's above c's) once every instance has
            // seen the others' usage; then one more second for the buckets to drain to steady state.
            await("shares follow the skew", () -> a.share() > 0.5 && b.share() > 0.25 && b.share() < 0.4
                    && c.share() < 0.2);
            long warm = arrived.get();
            await("one more second of traffic", () -> arrived.get() >= warm + LIMIT);

            long offeredBefore = offered(loads);
            long first = arrived.get();
            long last = first + MEASURED;
            await(MEASURED + " requests at the backend", () -> arrived.get() > last);
            long offeredAfter = offered(loads);
            double seconds = (arrivals.get((int) last) - arrivals.get((int) first)) / 1e9;
            double admitted = MEASURED / seconds;
            double offered = (offeredAfter - offeredBefore) / seconds;

            String shares = String.format("shares %.3f %.3f %.3f (sum %.3f)", a.share(), b.share(), c.share(),
                    a.share() + b.share() + c.share());
            System.out.printf("global rate limit: admitted %.1f/s of %d/s over %.2f s, offered %.0f/s; %s%n",
                    admitted, LIMIT, seconds, offered, shares);
            assertThat(offered).as("the load offered (the test needs the fleet overloaded)").isGreaterThan(1.2 * LIMIT);
            assertThat(admitted).as("admitted per second, " + shares).isBetween(0.95 * LIMIT, 1.05 * LIMIT);
            for (Instance i : all) {
                assertThat(i.refused()).as(i.id + " refused some (it is held to its share)").isPositive();
            }
        } finally {
            for (Load l : loads) {
                l.stop();
            }
            for (AutoCloseable c : open) {
                c.close();
            }
            backend.close();
        }
    }

    private static long offered(List<Load> loads) {
        long n = 0;
        for (Load l : loads) {
            n += l.sent.get();
        }
        return n;
    }

    /** One proxy with a global limit of 1,000/s on key [listener] and its control plane. */
    private record Instance(String id, ProxyFixture fixture, KafkaControlPlane cp) {
        static Instance start(KafkaBroker broker, String id, TestBackend backend, List<AutoCloseable> open) {
            String yaml = "access-log: { path: \"off\" }\nworkers: 1\n"
                    + "listeners:\n  - name: web\n    bind: 127.0.0.1:0\n"
                    + "    rate-limits:\n      - { name: fleet, rate: " + LIMIT + "/s, burst: " + BURST
                    + ", key: [listener], scope: global }\n"
                    + "    routes:\n      - cluster: c\n"
                    + "clusters:\n  - name: c\n    backends:\n      - { id: b, address: '" + backend.address() + "' }\n"
                    + "kafka:\n  bootstrap-servers: " + broker.bootstrapServers() + "\n  instance-id: " + id + "\n"
                    + "  load-view: { interval: 0 }\n  rate-usage: { interval: 100ms, staleness: 1s }\n";
            ProxyConfig config = ProxyConfigs.parse(yaml);
            ProxyFixture f = new ProxyFixture(Proxy.start(config), List.of());
            open.add(0, f);
            KafkaControlPlane cp = KafkaControlPlane.start(f.proxy, config);
            open.add(0, cp);
            return new Instance(id, f, cp);
        }

        GlobalRateLimiter limiter() {
            return f().proxy.snapshot().globalLimits().get("fleet");
        }

        private ProxyFixture f() {
            return fixture;
        }

        double share() {
            return limiter().share("web");
        }

        long refused() {
            return limiter().stats().refused();
        }
    }

    /**
     * Keep-alive HTTP/1.1 connections, each sending one request every {@code 1 / perConnection}
     * seconds on a fixed schedule (waiting for each answer, 200 or 429, before the next).
     */
    private static final class Load {
        final AtomicLong sent = new AtomicLong();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean running = true;

        static Load start(int port, int connections, int perConnection) {
            Load l = new Load();
            for (int i = 0; i < connections; i++) {
                // Phases spread over the period, so the connections do not send in lockstep.
                long offset = TimeUnit.SECONDS.toNanos(1) / perConnection * i / connections;
                Thread t = new Thread(() -> l.run(port, perConnection, offset), "load-" + port + "-" + i);
                t.setDaemon(true);
                l.threads.add(t);
                t.start();
            }
            return l;
        }

        private void run(int port, int perSecond, long offset) {
            byte[] request = "GET / HTTP/1.1\r\nhost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            long period = TimeUnit.SECONDS.toNanos(1) / perSecond;
            long next = System.nanoTime() + offset;
            while (running) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                    s.setTcpNoDelay(true);
                    s.setSoTimeout(10_000);
                    OutputStream out = s.getOutputStream();
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    while (running) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait); // pacing the load, not waiting for a result
                        }
                        next += period;
                        out.write(request);
                        out.flush();
                        sent.incrementAndGet();
                        if (!readResponse(in)) {
                            break;
                        }
                    }
                } catch (IOException e) {
                    if (!running) {
                        return;
                    }
                }
            }
        }

        /** Reads one response; false when the connection is to be closed. */
        private static boolean readResponse(InputStream in) throws IOException {
            long length = 0;
            boolean close = false;
            boolean first = true;
            for (String line = TestBackend.readLine(in); ; line = TestBackend.readLine(in)) {
                if (line == null) {
                    throw new IOException("closed mid-response");
                }
                if (line.isEmpty()) {
                    break;
                }
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                if (!first && lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
                first = false;
            }
            for (long i = 0; i < length; i++) {
                if (in.read() < 0) {
                    throw new IOException("closed mid-body");
                }
            }
            return !close;
        }

        void stop() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.join(15_000);
            }
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
