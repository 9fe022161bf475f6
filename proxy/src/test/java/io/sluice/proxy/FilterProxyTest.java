package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each filter condition and action through real sockets: the JDK HttpClient and raw requests. */
class FilterProxyTest {

    static final String YAML = """
            listeners:
              - name: web
                bind: 127.0.0.1:0
                filters:
                  - { name: no-trace, action: deny, status: 405, match: { methods: [TRACE] } }
                  - { name: admin-from-lan-only, action: allow, match: { path-prefix: /admin, source: ["127.0.0.0/8"] } }
                  - { name: admin, action: deny, match: { path-prefix: /admin } }
                routes:
                  - name: api
                    cluster: c
                    filters:
                      - { name: host, action: deny, status: 421, match: { host: "*.blocked.example" } }
                      - { name: exact, action: deny, status: 404, match: { path: /secret } }
                      - { name: versions, action: deny, status: 410, match: { path-regex: "^/v[0-2]/" } }
                      - { name: token, action: deny, status: 401, match: { headers: { x-token: bad } } }
                      - { name: agent, action: deny, match: { header-regex: { user-agent: "(?i)sqlmap|nikto" } } }
                      - { name: debug, action: deny, status: 400, match: { query: { debug: "*" } } }
                      - { name: big, action: deny, status: 413, match: { body-larger-than: 1KiB } }
                      - { name: ipv6-net, action: deny, match: { source: ["2001:db8::/32"] } }
            clusters:
              - name: c
                strategy: round-robin
                backends: [ { id: a, address: '%s' } ]
            """;

    private static int status(ProxyFixture f, HttpRequest.Builder b) throws Exception {
        return f.client.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    @Test
    void everyConditionDeniesWithItsStatusAndTheRestPass() throws Exception {
        TestBackend b = TestBackend.start("a");
        try (ProxyFixture f = ProxyFixture.start(YAML.formatted(b.address()), List.of(b))) {
            assertThat(status(f, HttpRequest.newBuilder(f.uri("/ok")))).isEqualTo(200);
            assertThat(status(f, HttpRequest.newBuilder(f.uri("/admin/x")))).as("allowed from loopback").isEqualTo(200);
            assertThat(status(f, HttpRequest.newBuilder(f.uri("/secret")))).isEqualTo(404);
            assertThat(status(f, HttpRequest.newBuilder(f.uri("/secretly")))).as("exact, not prefix").isEqualTo(200);
            assertThat(status(f, HttpRequest.newBuilder(f.uri("/v1/x")))).isEqualTo(410);
            assertThat(status(f, HttpRequest.newBuilder(f.uri("/v3/x")))).isEqualTo(200);
            assertThat(status(f, HttpRequest.newBuilder(f.uri("/x")).header("x-token", "bad"))).isEqualTo(401);
            assertThat(status(f, HttpRequest.newBuilder(f.uri("/x")).header("x-token", "good"))).isEqualTo(200);
            assertThat(status(f, HttpRequest.newBuilder(f.uri("/x")).header("user-agent", "SQLMap/1.0"))).isEqualTo(403);
            assertThat(status(f, HttpRequest.newBuilder(f.uri("/x?a=1&debug")))).isEqualTo(400);
            assertThat(status(f, HttpRequest.newBuilder(f.uri("/x?debugging=1")))).isEqualTo(200);
            assertThat(status(f, HttpRequest.newBuilder(f.uri("/x"))
                    .POST(HttpRequest.BodyPublishers.ofString("y".repeat(2048))))).isEqualTo(413);
            assertThat(status(f, HttpRequest.newBuilder(f.uri("/x"))
                    .POST(HttpRequest.BodyPublishers.ofString("y".repeat(1024))))).isEqualTo(200);
            assertThat(b.requestCount()).isEqualTo(7);
        }
    }

    @Test
    void rawRequestsMeetTheMethodAndHostRulesAndTheConnectionStaysUsable() throws Exception {
        TestBackend b = TestBackend.start("a");
        try (ProxyFixture f = ProxyFixture.start(YAML.formatted(b.address()), List.of(b));
             RawConnection c = new RawConnection(f.port())) {
            RawConnection.Response trace = c.send("TRACE / HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertThat(trace.status()).isEqualTo(405);
            assertThat(trace.text()).contains("denied by filter 'no-trace'");
            assertThat(c.send("GET / HTTP/1.1\r\nHost: a.blocked.example:80\r\n\r\n").read().status()).isEqualTo(421);
            assertThat(c.send("GET / HTTP/1.1\r\nHost: blocked.example\r\n\r\n").read().status())
                    .as("the wildcard needs a subdomain").isEqualTo(200);
            assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(b.requestCount()).isEqualTo(2);
        }
    }
}
