package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.proxy.config.ConfigParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every transport this machine has proxies the same; one it lacks is refused with the reason. */
class TransportTest {
    @Test
    void everyAvailableTransportProxiesKeepAliveRequestsAndPostBodies() throws Exception {
        // NIO always works; epoll and io_uring where the kernel and native library allow (Linux x86-64 here).
        List<Transport> available = java.util.Arrays.stream(Transport.values()).filter(Transport::available).toList();
        assertThat(available).contains(Transport.NIO);
        for (Transport t : available) {
            try (TestBackend a = TestBackend.start("a"); TestBackend b = TestBackend.start("b")) {
                String yaml = "accessLog: { path: \"off\" }\nworkers: 1\nlisteners:\n  - name: web\n"
                        + "    bind: 127.0.0.1:0\n    routes:\n      - cluster: c\nclusters:\n  - name: c\n"
                        + "    strategy: { name: round-robin }\n    backends:\n"
                        + "      - { id: a, address: '" + a.address() + "' }\n"
                        + "      - { id: b, address: '" + b.address() + "' }\n";
                try (Proxy proxy = Proxy.start(ConfigParser.parse(yaml), StrategyRegistry.standard(),
                        Environment.system(), t)) {
                    assertThat(proxy.transport()).isEqualTo(t.toString());
                    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    URI uri = URI.create("http://127.0.0.1:" + proxy.address("web").getPort() + "/x");
                    for (int i = 0; i < 20; i++) {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                                .POST(HttpRequest.BodyPublishers.ofString("body " + i)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        assertThat(r.statusCode()).as("%s request %d", t, i).isEqualTo(200);
                    }
                    assertThat(a.requestCount() + b.requestCount()).as(t.toString()).isEqualTo(20);
                    assertThat(a.requests).allMatch(r -> r.bodyText().startsWith("body "));
                    // Upstream keep-alive: far fewer connections than requests.
                    assertThat(a.connections.get() + b.connections.get()).as(t.toString()).isLessThan(20);
                }
            }
        }
    }

    @Test
    void namesAreCheckedAndAnUnavailableTransportIsRefusedWithItsReason() {
        assertThat(Transport.choose("nio")).isEqualTo(Transport.NIO);
        assertThat(Transport.choose("auto")).isEqualTo(Transport.EPOLL.available() ? Transport.EPOLL : Transport.NIO);
        assertThatThrownBy(() -> Transport.choose("kqueue")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown transport 'kqueue'").hasMessageContaining("io_uring");
        for (Transport t : Transport.values()) {
            if (t.available()) {
                assertThat(Transport.choose(t.name().replace('_', '-'))).isEqualTo(t);
            } else {
                assertThatThrownBy(() -> Transport.choose(t.toString())).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("is not available here");
            }
        }
    }
}
