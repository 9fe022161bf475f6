package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rate limits and accept limits through real sockets. The limits are per minute (one permit every
 * 20 s or more), so a slow, loaded machine cannot refill a budget during a test: every count here
 * is exact.
 */
class RateLimitProxyTest {

    private static HttpResponse<String> get(ProxyFixture f, String path, String device, String tenant)
            throws Exception {
        return f.client.send(HttpRequest.newBuilder(f.uri(path)).timeout(Duration.ofSeconds(30))
                .header("x-device", device).header("x-tenant", tenant).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void severalLimitsPerRouteAnswer429WithRetryAfterAndTheIetfHeaders() throws Exception {
        String yaml = """
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                    routes:
                      - name: telemetry
                        cluster: c
                        rate-limits:
                          - { name: device, rate: 3/min, burst: 3, key: ["header:x-device"] }
                          - { name: tenant, rate: 4/min, burst: 4, key: ["header:x-tenant"] }
                clusters:
                  - name: c
                    strategy: round-robin
                    backends: [ { id: a, address: '%s' } ]
                """;
        TestBackend b = TestBackend.start("a");
        try (ProxyFixture f = ProxyFixture.start(yaml.formatted(b.address()), List.of(b))) {
            for (int i = 0; i < 3; i++) {
                assertThat(get(f, "/t", "d1", "acme").statusCode()).isEqualTo(200);
            }
            HttpResponse<String> refused = get(f, "/t", "d1", "acme");
            assertThat(refused.statusCode()).isEqualTo(429);
            // 3/min: one permit every 20 s, so the wait is at most 20 s, rounded up to whole seconds.
            long retry = Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow());
            assertThat(retry).isBetween(1L, 20L);
            assertThat(refused.headers().firstValue("ratelimit-policy")).hasValue("\"device\";q=3;w=60");
            assertThat(refused.headers().firstValue("ratelimit")).hasValue("\"device\";r=0;t=" + retry);
            assertThat(refused.body()).contains("rate limit 'device' exceeded");
            // Another device has its own budget, but the tenant's (4, one spent by the refusal's
            // pass through nothing: the device limit refused first) has one left.
            assertThat(get(f, "/t", "d2", "acme").statusCode()).isEqualTo(200);
            HttpResponse<String> tenant = get(f, "/t", "d3", "acme");
            assertThat(tenant.statusCode()).isEqualTo(429);
            assertThat(tenant.headers().firstValue("ratelimit-policy")).hasValue("\"tenant\";q=4;w=60");
            // Another tenant is untouched.
            assertThat(get(f, "/t", "d4", "other").statusCode()).isEqualTo(200);
            assertThat(b.requestCount()).isEqualTo(5);
        }
    }

    @Test
    void aListenerLimitByClientAddressAnswersOnARawSocketAndKeepsTheConnection() throws Exception {
        TestBackend b = TestBackend.start("a");
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(b), "",
                "    rate-limits: [ { name: per-ip, rate: 2/min, burst: 2, key: [client-ip] } ]\n");
             RawConnection c = new RawConnection(f.port())) {
            String req = "GET /x HTTP/1.1\r\nHost: x\r\n\r\n";
            assertThat(c.send(req).read().status()).isEqualTo(200);
            assertThat(c.send(req).read().status()).isEqualTo(200);
            RawConnection.Response r = c.send(req).read();
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.header("ratelimit-policy")).isEqualTo("\"per-ip\";q=2;w=60");
            assertThat(r.header("connection")).as("a complete request keeps its connection").isNull();
            assertThat(c.send(req).read().status()).as("same connection, still limited").isEqualTo(429);
            assertThat(b.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void acceptLimitsPerSourceCloseTheConnectionsOverTheRate() throws Exception {
        TestBackend b = TestBackend.start("a");
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(b), "",
                "    accept-limits: { per-source: 1/min, per-source-burst: 2 }\n")) {
            try (RawConnection one = new RawConnection(f.port()); RawConnection two = new RawConnection(f.port())) {
                assertThat(one.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
                assertThat(two.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
                try (Socket third = new Socket()) {
                    third.connect(new InetSocketAddress("127.0.0.1", f.port()), 10_000);
                    third.setSoTimeout(30_000);
                    InputStream in = third.getInputStream();
                    // Closed by the proxy before any byte: end of stream (or a reset, on some kernels).
                    int first;
                    try {
                        first = in.read();
                    } catch (java.net.SocketException reset) {
                        first = -1;
                    }
                    assertThat(first).isEqualTo(-1);
                }
            }
            assertThat(b.requestCount()).isEqualTo(2);
        }
    }
}
