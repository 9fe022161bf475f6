package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A cluster's adaptive concurrency limit through a real proxy, a real backend whose service time the
 * test sets, and JDK HTTP clients: the limit learns the unloaded latency, shrinks when the backend
 * slows (so requests over it are answered 503 at once, {@code x-sluice-shed: adaptive-concurrency},
 * counted), and grows again when the backend recovers, until every request is admitted.
 *
 * <p>Numbers: the backend takes 20 ms (fast) or 400 ms (slow), far above the loopback and scheduling
 * noise of a busy machine, so the minimum RTT of the probe is about 20 ms. Slow: the gradient is
 * {@code max(0.5, 2 x 20 / 400) = 0.5}, and with smoothing 1 each window sets the limit to
 * {@code L/2 + sqrt(L)}: 8, 6.8, 6.1, 5.5, ... towards 4, below the 6 clients, so some are shed.
 * Fast again: the sample is about the minimum, the gradient 1, and each window adds sqrt(L) until the
 * limit is over 6 and nobody is shed.
 */
class AdaptiveConcurrencyTest {
    private static final int CLIENTS = 6;

    private volatile long serviceMillis = 20;
    private volatile boolean running = true;
    /** Every response's status, with 1000 + status for a 503 that names adaptive-concurrency. */
    private final List<Integer> results = new CopyOnWriteArrayList<>();

    @Test
    void shedsWhenTheBackendSlowsAndAdmitsAgainWhenItRecovers() throws Exception {
        TestBackend backend = TestBackend.start("b1", (b, req, out) -> {
            try {
                Thread.sleep(serviceMillis); // the backend's service time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return TestBackend.hello(b, req, out);
        });
        String cluster = """
                    adaptive-concurrency:
                      initial-limit: 8
                      min-limit: 2
                      max-limit: 64
                      tolerance: 2
                      smoothing: 1
                      sample-size: 5
                      probe-every: 100000
                      probe-limit: 2
                """;
        List<Thread> clients = new ArrayList<>();
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(backend), cluster, "")) {
            // The probe: one request at a time, under the probe limit of 2; then the initial limit.
            for (int i = 0; i < 5; i++) {
                assertThat(f.get("/").statusCode()).isEqualTo(200);
            }
            await("the probe ends at the initial limit", () -> metric(f, limitSeries()) == 8);
            assertThat(metric(f, "sluice_adaptive_concurrency_min_rtt_seconds{cluster=\"c\"}")).isBetween(0.02, 0.4);

            for (int i = 0; i < CLIENTS; i++) {
                Thread t = new Thread(() -> client(f), "client-" + i);
                t.setDaemon(true);
                t.start();
                clients.add(t);
            }
            await("6 clients under a limit of 8 are all admitted", () -> results.size() >= 30);
            assertThat(results).containsOnly(200);

            serviceMillis = 400;
            await("the limit falls below the clients and some are shed",
                    () -> results.contains(1503) && metric(f, limitSeries()) < CLIENTS);
            assertThat(metric(f, "sluice_requests_shed_total{cluster=\"c\",reason=\"adaptive-concurrency\"}"))
                    .isPositive();
            assertThat(results).as("nothing but 200 and the shed 503").containsOnly(200, 1503);

            serviceMillis = 20;
            int from = results.size();
            await("after the backend recovers, 40 responses in a row are admitted", () -> {
                List<Integer> all = List.copyOf(results); // clients keep appending: read a copy
                List<Integer> since = all.subList(from, all.size());
                int run = 0;
                for (int i = since.size() - 1; i >= 0 && since.get(i) == 200; i--) {
                    run++;
                }
                return run >= 40;
            });
            assertThat(metric(f, limitSeries())).isGreaterThanOrEqualTo(CLIENTS);
        } finally {
            running = false;
            for (Thread t : clients) {
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
            backend.close();
        }
    }

    private static String limitSeries() {
        return "sluice_adaptive_concurrency_limit{cluster=\"c\"}";
    }

    /** A closed-loop client: the next request as soon as the last is answered, 20 ms after a shed one. */
    private void client(ProxyFixture f) {
        HttpRequest req = HttpRequest.newBuilder(f.uri("/")).timeout(Duration.ofSeconds(30)).GET().build();
        while (running) {
            try {
                HttpResponse<String> r = f.client.send(req, HttpResponse.BodyHandlers.ofString());
                boolean shed = r.statusCode() == 503
                        && "adaptive-concurrency".equals(r.headers().firstValue("x-sluice-shed").orElse(null));
                results.add(shed ? 1503 : r.statusCode());
                if (shed) {
                    Thread.sleep(20); // the client's back-off, as Retry-After asks (scaled down)
                }
            } catch (IOException e) {
                if (running) {
                    results.add(-1);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static double metric(ProxyFixture f, String series) {
        return Scrape.value(f.proxy, series, Double.NaN);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, TimeUnit.SECONDS.toNanos(20), condition);
    }
}
