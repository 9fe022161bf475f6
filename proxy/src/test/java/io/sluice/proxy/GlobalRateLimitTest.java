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
 * A {@code scope: global} rate limit across three proxy instances in one JVM ({@link Proxy#start}
 * with a {@code kafka:} section each), sharing their usage through a real KRaft broker, with skewed
 * traffic: 60, 30 and 10 % of the offered load through the three.
 *
 * <p>Two tests. The accuracy test is the issue's: global limit 1,000/s, 2,000/s offered. Its
 * requests are offered to each proxy's own limiter object (the one its HTTP path admits through,
 * from {@code RoutingSnapshot.globalLimits()}) by one paced thread per instance, so what it measures
 * is the coordination (usage published, consumed, shares moved) and not how many HTTP requests a
 * busy 2-core machine with paranoid leak detection can push. The end-to-end test then sends real
 * HTTP requests through the three proxies to a real backend at a tenth of the rate and checks the
 * backend sees the fleet's limit.
 */
@ExtendWith(KafkaBrokerExtension.class)
class GlobalRateLimitTest {
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final int BURST = 100;
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(5);

    /**
     * Global limit {@code L = 1000/s}, burst {@code B = 100}, usage interval {@code I = 100 ms};
     * offered 1200, 600 and 200/s. After a warm-up, grants are counted over a window of
     * {@code W = 5 s}. In steady state every instance is saturated (shares 0.587, 0.302, 0.112 by
     * {@code GlobalShare.demandShare}: local limits 587, 302 and 112/s against 1200, 600 and 200/s
     * offered), so the fleet admits {@code L x W x (sum of shares)}, give or take:
     * <ul>
     *   <li>the burst: what the buckets hold when the window opens less what they hold when it
     *       closes, at most {@code B}, 100 / (1000 x 5) = 2 %; saturated buckets are near empty at
     *       both ends, so in practice far less;</li>
     *   <li>the shares' sum: each instance divides by totals that include the others' last
     *       (smoothed) reports; measured 1.000 +- 0.002;</li>
     *   <li>a stalled pacing thread catches up after the stall and takes what its bucket saved
     *       meanwhile; only a stall longer than the bucket lasts ({@code B / L} = 100 ms whatever
     *       the share) loses the excess. A few such stalls of a loaded machine cost about 1 %.</li>
     * </ul>
     * About 3 % in the worst case: the 5 % holds with room.
     */
    @Test
    void threeInstancesWithSkewedTrafficAdmitTheGlobalLimitWithinFivePercent(KafkaBroker broker) throws Exception {
        int limit = 1000;
        TestBackend backend = TestBackend.start("b");
        List<AutoCloseable> open = new ArrayList<>();
        List<Offers> offers = new ArrayList<>();
        try {
            Instance a = Instance.start(broker, "acc-a", backend, open, "accuracy", limit, BURST, "100ms");
            Instance b = Instance.start(broker, "acc-b", backend, open, "accuracy", limit, BURST, "100ms");
            Instance c = Instance.start(broker, "acc-c", backend, open, "accuracy", limit, BURST, "100ms");
            List<Instance> all = List.of(a, b, c);
            await("every instance hears its peers", () -> all.stream().allMatch(i ->
                    i.cp.count(Counter.RATE_USAGE_APPLIED) > 0));
            offers.add(Offers.start(a.limiter(), 1200));
            offers.add(Offers.start(b.limiter(), 600));
            offers.add(Offers.start(c.limiter(), 200));

            await("shares follow the skew", () -> a.share() > 0.5 && b.share() > 0.25 && b.share() < 0.4
                    && c.share() < 0.2);
            // The window: from one second after the warm-up (the buckets drained to steady state).
            long from = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            long to = from + WINDOW_NANOS;
            await("every offer thread past the window", () -> offers.stream().allMatch(o -> o.progress > to));
            long admittedCount = 0;
            long offeredCount = 0;
            for (Offers o : offers) {
                admittedCount += o.grantedWithin(from, to);
                offeredCount += o.offeredWithin(from, to);
            }
            double seconds = WINDOW_NANOS / 1e9;
            double admitted = admittedCount / seconds;
            double offered = offeredCount / seconds;
            String shares = shares(all);
            System.out.printf("global rate limit: admitted %.1f/s of %d/s over %.2f s, offered %.0f/s; %s%n",
                    admitted, limit, seconds, offered, shares);
            assertThat(offered).as("the load offered (the test needs the fleet overloaded)").isGreaterThan(1.5 * limit);
            assertThat(admitted).as("admitted per second, " + shares).isBetween(0.95 * limit, 1.05 * limit);
            for (Instance i : all) {
                assertThat(i.refused()).as(i.id + " refused some (it is held to its share)").isPositive();
            }
        } finally {
            for (Offers o : offers) {
                o.stop();
            }
            for (AutoCloseable x : open) {
                x.close();
            }
            backend.close();
        }
    }

    /**
     * End to end at a tenth of the scale: global limit 100/s (burst 30, interval 250 ms), 200
     * HTTP requests a second through the three proxies (60/30/10 %), on keep-alive connections that
     * wait for each answer; the admitted rate measured at the backend over {@code N = 500}
     * arrivals, {@code W} about 5 s. The error budget: above, the burst, at most 30 / 500 = 6 %
     * (the buckets of a saturated fleet are near empty when the window opens, so far less); below,
     * a connection stalled on a busy machine longer than its instance's bucket lasts (0.3 s of
     * its share, the burst being 0.3 s of the rate) loses what the bucket could not hold, a few %
     * at the loads seen and up to 25 % in one run at load average 20 (76.6/s); the shares' sum,
     * smoothed, within 1 %. The test allows 10 % over and 25 % under: it checks the path (HTTP
     * 429s, the real backend, never over the fleet's limit), the accuracy test above measures the
     * accuracy.
     */
    @Test
    void overHttpTheBackendSeesTheFleetsLimit(KafkaBroker broker) throws Exception {
        int limit = 100;
        int measured = 500;
        AtomicLongArray arrivals = new AtomicLongArray(100_000);
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
            Instance a = Instance.start(broker, "http-a", backend, open, "http", limit, 30, "250ms");
            Instance b = Instance.start(broker, "http-b", backend, open, "http", limit, 30, "250ms");
            Instance c = Instance.start(broker, "http-c", backend, open, "http", limit, 30, "250ms");
            List<Instance> all = List.of(a, b, c);
            await("every instance hears its peers", () -> all.stream().allMatch(i ->
                    i.cp.count(Counter.RATE_USAGE_APPLIED) > 0));
            loads.add(Load.start(a.fixture.port(), 6, 20));
            loads.add(Load.start(b.fixture.port(), 3, 20));
            loads.add(Load.start(c.fixture.port(), 1, 20));
            await("shares follow the skew", () -> a.share() > 0.45 && c.share() < 0.25);
            long warm = arrived.get();
            await("one more second of traffic", () -> arrived.get() >= warm + limit);

            long offeredBefore = offered(loads);
            long first = arrived.get();
            long last = first + measured;
            await(measured + " requests at the backend", () -> arrivals.get((int) last) != 0);
            long offeredAfter = offered(loads);
            double seconds = (arrivals.get((int) last) - arrivals.get((int) first)) / 1e9;
            double admitted = measured / seconds;
            double offered = (offeredAfter - offeredBefore) / seconds;
            String shares = shares(all);
            System.out.printf("global rate limit over HTTP: admitted %.1f/s of %d/s over %.2f s, offered %.0f/s;"
                    + " %s%n", admitted, limit, seconds, offered, shares);
            assertThat(offered).as("the load offered (the test needs the fleet overloaded)").isGreaterThan(1.2 * limit);
            assertThat(admitted).as("admitted per second, " + shares).isBetween(0.75 * limit, 1.1 * limit);
        } finally {
            for (Load l : loads) {
                l.stop();
            }
            for (AutoCloseable x : open) {
                x.close();
            }
            backend.close();
        }
    }

    private static String shares(List<Instance> all) {
        double sum = 0;
        StringBuilder b = new StringBuilder("shares");
        for (Instance i : all) {
            b.append(String.format(" %.3f", i.share()));
            sum += i.share();
        }
        return b.append(String.format(" (sum %.3f)", sum)).toString();
    }

    private static long offered(List<? extends Counted> sources) {
        long n = 0;
        for (Counted c : sources) {
            n += c.sent().get();
        }
        return n;
    }

    /** A source of offered requests. */
    private interface Counted {
        AtomicLong sent();
    }

    /**
     * One thread offering {@code perSecond} requests to a proxy's global limiter on a fixed
     * schedule; after a stall it catches up, so the offered total stays on schedule. It keeps the
     * time of every grant (written by the thread only, published through {@link #grants}).
     */
    private static final class Offers implements Counted {
        private final AtomicLong sent = new AtomicLong();
        private final long[] grantTimes = new long[200_000];
        private final long start;
        private final long period;
        private final Thread thread;
        private volatile int grants;
        /** The scheduled time of the next offer: every offer before it has been made. */
        volatile long progress;
        private volatile boolean running = true;

        private Offers(GlobalRateLimiter limiter, int perSecond) {
            this.period = TimeUnit.SECONDS.toNanos(1) / perSecond;
            this.start = System.nanoTime();
            this.progress = start;
            this.thread = new Thread(() -> {
                long next = start;
                while (running) {
                    long now = System.nanoTime();
                    while (next <= now && running) {
                        sent.incrementAndGet();
                        long at = System.nanoTime();
                        if (limiter.tryAcquire("web", 1, at) == 0 && grants < grantTimes.length) {
                            grantTimes[grants] = at;
                            grants = grants + 1;
                        }
                        next += period;
                        progress = next;
                    }
                    LockSupport.parkNanos(next - System.nanoTime()); // pacing the offers, not waiting for a result
                }
            }, "offers-" + perSecond);
            thread.setDaemon(true);
        }

        static Offers start(GlobalRateLimiter limiter, int perSecond) {
            Offers o = new Offers(limiter, perSecond);
            o.thread.start();
            return o;
        }

        /** Grants made in {@code [from, to)}; call once {@link #progress} is past {@code to}. */
        long grantedWithin(long from, long to) {
            int n = grants;
            long count = 0;
            for (int i = 0; i < n; i++) {
                if (grantTimes[i] - from >= 0 && grantTimes[i] - to < 0) {
                    count++;
                }
            }
            return count;
        }

        /** Offers scheduled in {@code [from, to)}. */
        long offeredWithin(long from, long to) {
            return Math.max(0, (to - start + period - 1) / period) - Math.max(0, (from - start + period - 1) / period);
        }

        @Override
        public AtomicLong sent() {
            return sent;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5_000);
        }
    }

    /** One proxy with a global limit on key [listener] and its control plane. */
    private record Instance(String id, String limit, ProxyFixture fixture, KafkaControlPlane cp) {
        static Instance start(KafkaBroker broker, String id, TestBackend backend, List<AutoCloseable> open,
                              String limit, int rate, int burst, String interval) {
            String yaml = "access-log: { path: \"off\" }\nworkers: 1\n"
                    + "listeners:\n  - name: web\n    bind: 127.0.0.1:0\n"
                    + "    rate-limits:\n      - { name: " + limit + ", rate: " + rate + "/s, burst: " + burst
                    + ", key: [listener], scope: global }\n"
                    + "    routes:\n      - cluster: c\n"
                    + "clusters:\n  - name: c\n    strategy: round-robin\n    backends:\n      - { id: b, address: '"
                    + backend.address() + "' }\n"
                    + "kafka:\n  bootstrap-servers: " + broker.bootstrapServers() + "\n  instance-id: " + id + "\n"
                    + "  load-view: { interval: 0 }\n  rate-usage: { interval: " + interval + ", staleness: 1s }\n";
            ProxyConfig config = ProxyConfigs.parse(yaml);
            ProxyFixture f = new ProxyFixture(Proxy.start(config), List.of());
            open.add(0, f);
            KafkaControlPlane cp = KafkaControlPlane.start(f.proxy, config);
            open.add(0, cp);
            return new Instance(id, limit, f, cp);
        }

        GlobalRateLimiter limiter() {
            return fixture.proxy.snapshot().globalLimits().get(limit);
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
    private static final class Load implements Counted {
        final AtomicLong sent = new AtomicLong();

        @Override
        public AtomicLong sent() {
            return sent;
        }

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
        Await.until(what, DEADLINE_NANOS, condition);
    }
}
