package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.policy.AffinityPolicy;
import io.sluice.algorithms.policy.SharedCases;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SharedCases} through the running proxy, over real sockets: retry eligibility (backends that
 * refuse, hang up after the request, never answer, answer garbage or 503) and session affinity
 * through churn (a drained and undrained backend). Health transitions are
 * {@code health.SharedHealthCasesTest}'s.
 */
class SharedCasesProxyTest {
    static Stream<SharedCases.RetryCase> retries() {
        return SharedCases.RETRIES.stream();
    }

    static Stream<SharedCases.AffinityCase> affinity() {
        return SharedCases.AFFINITY.stream();
    }

    /** A backend failing every request the case's way. */
    private static TestBackend failing(String id, SharedCases.Failure failure) throws IOException {
        return switch (failure) {
            case CONNECT_FAILURE -> {
                TestBackend b = TestBackend.start(id);
                b.kill();
                yield b;
            }
            case RESET -> TestBackend.start(id, (b, req, out) -> false);
            case TIMEOUT -> TestBackend.start(id, (b, req, out) -> {
                try {
                    Thread.sleep(3_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return false;
            });
            case BAD_RESPONSE -> TestBackend.start(id, (b, req, out) -> {
                out.write("NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return false;
            });
            case STATUS_503 -> TestBackend.start(id, (b, req, out) -> {
                out.write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return true;
            });
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("retries")
    void retryEligibility(SharedCases.RetryCase c) throws Exception {
        List<TestBackend> backends = new ArrayList<>();
        for (int i = 0; i < c.backends(); i++) {
            backends.add(failing("b" + i, c.failure()));
        }
        String extra = "    timeouts: { connect: 1s, response: 300ms }\n"
                + "    retries: { max-retries: " + c.maxRetries() + ", idempotent-only: " + c.idempotentOnly() + " }\n";
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends, extra, "")) {
            AtomicInteger attempts = new AtomicInteger();
            CountDownLatch ended = new CountDownLatch(1);
            f.proxy.addObserver(new RequestObserver() {
                @Override
                public void onAttemptEnd(Attempt attempt) {
                    attempts.incrementAndGet();
                }

                @Override
                public void onRequestEnd(RequestEnd end) {
                    ended.countDown();
                }
            });
            HttpRequest.BodyPublisher body = c.body() ? HttpRequest.BodyPublishers.ofString("reading=42")
                    : HttpRequest.BodyPublishers.noBody();
            HttpResponse<String> r = f.client.send(HttpRequest.newBuilder(f.uri("/")).method(c.method(), body)
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("an error status").isGreaterThanOrEqualTo(500);
            assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(attempts.get()).as("attempts").isEqualTo(c.attempts());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("affinity")
    void affinityThroughChurn(SharedCases.AffinityCase c) throws Exception {
        List<TestBackend> backends = List.of(TestBackend.start("a"), TestBackend.start("b"), TestBackend.start("c"));
        AffinityPolicy p = c.policy();
        String extra = "    session-persistence: { mode: " + p.mode().configName() + ", name: " + p.name()
                + ", stick-table: " + p.stickTable() + " }\n";
        try (ProxyFixture f = ProxyFixture.start(c.strategy(), backends, extra, "")) {
            String[] cookie = new String[1];
            List<String> phase1 = phase(f, p, cookie);
            String home = phase1.get(0);
            ClusterHealth health = f.proxy.snapshot().cluster("c").health();
            health.drain(home);
            List<String> phase2 = phase(f, p, cookie);
            health.undrain(home);
            List<String> phase3 = phase(f, p, cookie);
            assertThat(SharedCases.judge(c.expected(), phase1, phase2, phase3)).isNull();
        }
    }

    /** One client's requests of a phase: the backend of each. */
    private static List<String> phase(ProxyFixture f, AffinityPolicy p, String[] cookie) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < SharedCases.PHASE_REQUESTS; i++) {
            HttpRequest.Builder req = HttpRequest.newBuilder(f.uri("/")).timeout(Duration.ofSeconds(30)).GET();
            if (p.mode() == AffinityPolicy.Mode.HEADER) {
                req.header(p.name(), "device-1");
            }
            if (cookie[0] != null) {
                req.header("Cookie", cookie[0]);
            }
            HttpResponse<String> r = f.client.send(req.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            r.headers().firstValue("set-cookie").ifPresent(v -> cookie[0] = v.split(";", 2)[0]);
            out.add(r.body());
        }
        return out;
    }
}
