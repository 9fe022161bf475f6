package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 from the client (h2c with prior knowledge) through the proxy to HTTP/1.1 backends, with
 * real clients: curl and nghttp (Debian curl, nghttp2-client).
 */
class Http2ProxyTest {
    private static List<TestBackend> backends(String... ids) throws Exception {
        List<TestBackend> out = new ArrayList<>();
        for (String id : ids) {
            out.add(TestBackend.start(id));
        }
        return out;
    }

    /** Runs a command to its end (at most 60 s) and returns its standard output. */
    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
        assertThat(p.exitValue()).as("%s exit status; output:%n%s", String.join(" ", command),
                new String(out, StandardCharsets.ISO_8859_1)).isZero();
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    @Test
    void curlWithPriorKnowledgeGetsAnHttp2Answer() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a"), "", "")) {
            String out = run("curl", "-sS", "--http2-prior-knowledge", "-D", "-", "-H", "cookie: x=1",
                    "-H", "cookie: y=2", f.uri("/hello?q=1").toString());
            assertThat(out).startsWith("HTTP/2 200").contains("x-backend: a").contains("x-request-id: ")
                    .doesNotContain("connection:").endsWith("a");
            TestBackend.Received req = f.backends.get(0).requests.peek();
            assertThat(req.target()).isEqualTo("/hello?q=1");
            assertThat(req.version()).isEqualTo("HTTP/1.1");
            assertThat(req.headers().get("host")).containsExactly("127.0.0.1:" + f.port());
            assertThat(req.headers().get("cookie")).containsExactly("x=1; y=2");
        }
    }

    @Test
    void requestBodiesReachTheBackendWithAndWithoutLength() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a"), "", "")) {
            String body = "x".repeat(200_000);
            java.nio.file.Path file = java.nio.file.Files.createTempFile("h2body", ".txt");
            try {
                java.nio.file.Files.writeString(file, body);
                run("curl", "-sS", "--http2-prior-knowledge", "--data-binary", "@" + file, f.uri("/post").toString());
                // Without a length: curl streams stdin, the proxy sends it upstream chunked.
                Process p = new ProcessBuilder("curl", "-sS", "--http2-prior-knowledge", "-T", "-",
                        f.uri("/put").toString()).redirectInput(file.toFile()).start();
                p.getInputStream().readAllBytes();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).isZero();
            } finally {
                java.nio.file.Files.delete(file);
            }
            List<TestBackend.Received> reqs = new ArrayList<>(f.backends.get(0).requests);
            assertThat(reqs).hasSize(2);
            assertThat(reqs.get(0).method()).isEqualTo("POST");
            assertThat(reqs.get(0).headers().get("content-length")).containsExactly("200000");
            assertThat(reqs.get(1).method()).isEqualTo("PUT");
            assertThat(f.backends.get(0).bytesReceived.get()).isGreaterThan(400_000);
        }
    }

    @Test
    void streamsOfOneConnectionAreBalancedEachOnItsOwn() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a", "b", "c"), "", "")) {
            // nghttp sends the URI 300 times as concurrent streams of one connection, and prints the bodies.
            String out = run("nghttp", "-m", "300", f.uri("/x").toString());
            Map<Character, Integer> counts = new HashMap<>();
            for (char c : out.toCharArray()) {
                counts.merge(c, 1, Integer::sum);
            }
            // Round robin, one pick per stream: 100 each exactly, whatever the streams' interleaving.
            assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of('a', 100, 'b', 100, 'c', 100));
            assertThat(f.proxy.connections("web")).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void anUpgradeToH2cIsAnsweredInHttp1() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", backends("a"), "", "")) {
            String out = run("curl", "-sS", "--http2", "-D", "-", f.uri("/up").toString());
            assertThat(out).startsWith("HTTP/1.1 200");
            TestBackend.Received req = f.backends.get(0).requests.peek();
            assertThat(req.headers()).doesNotContainKeys("upgrade", "http2-settings");
        }
    }

    @Test
    void noBackendIsA503OnTheStream() throws Exception {
        TestBackend dead = TestBackend.start("d");
        dead.close();
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(dead), "", "")) {
            String out = run("nghttp", "-v", f.uri("/x").toString());
            assertThat(out).startsWith("HTTP/2 503");
        }
    }
}
