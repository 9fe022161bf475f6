package io.sluice.proxy;

import io.sluice.config.ConfigException;
import io.sluice.config.proxy.ProxyConfigs;
import io.sluice.config.proxy.ProxyConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A proxy on an ephemeral loopback port in front of {@link TestBackend}s, configured from YAML as a
 * user would, plus the clients tests talk to it with.
 */
final class ProxyFixture implements AutoCloseable {
    final Proxy proxy;
    final List<TestBackend> backends;
    final HttpClient client;

    ProxyFixture(Proxy proxy, List<TestBackend> backends) {
        this.proxy = proxy;
        this.backends = backends;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * A proxy whose single listener "web" routes everything to cluster "c" over {@code backends},
     * with {@code clusterExtra} and {@code listenerExtra} YAML lines appended to the cluster and the
     * listener (indented by the caller as they would be under them).
     */
    static ProxyFixture start(String strategy, List<TestBackend> backends, String clusterExtra, String listenerExtra)
            throws ConfigException {
        return start(strategy, backends, clusterExtra, listenerExtra, io.netty.buffer.ByteBufAllocator.DEFAULT);
    }

    /** As above, the proxy's connections taking their buffers from {@code allocator}. */
    static ProxyFixture start(String strategy, List<TestBackend> backends, String clusterExtra, String listenerExtra,
                              io.netty.buffer.ByteBufAllocator allocator) throws ConfigException {
        StringBuilder y = new StringBuilder();
        y.append("workers: 2\n");
        y.append("listeners:\n");
        y.append("  - name: web\n    bind: 127.0.0.1:0\n");
        y.append(listenerExtra);
        y.append("    routes:\n      - cluster: c\n");
        y.append("clusters:\n  - name: c\n    strategy: { name: ").append(strategy).append(" }\n");
        y.append("    backends:\n");
        for (TestBackend b : backends) {
            y.append("      - { id: ").append(b.id).append(", address: '").append(b.address()).append("' }\n");
        }
        y.append(clusterExtra);
        return start(y.toString(), backends, allocator);
    }

    static ProxyFixture start(String yaml, List<TestBackend> backends) throws ConfigException {
        return start(yaml, backends, io.netty.buffer.ByteBufAllocator.DEFAULT);
    }

    static ProxyFixture start(String yaml, List<TestBackend> backends, io.netty.buffer.ByteBufAllocator allocator)
            throws ConfigException {
        // Tests keep standard output quiet: no access log unless the test asks for one.
        String quiet = yaml.contains("access-log") ? yaml : "access-log: { path: \"off\" }\n" + yaml;
        ProxyConfig config = ProxyConfigs.parse(quiet);
        return new ProxyFixture(Proxy.start(config, allocator), backends);
    }

    int port() {
        return proxy.address("web").getPort();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends raw bytes on a new connection and returns everything the proxy sent back until it closed. */
    RawResponse raw(byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port()), 10_000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return RawResponse.readUntilClose(s.getInputStream());
        }
    }

    RawResponse raw(String request) throws IOException {
        return raw(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    int totalBackendConnections() {
        return backends.stream().mapToInt(b -> b.connections.get()).sum();
    }

    long totalBackendBytes() {
        return backends.stream().mapToLong(b -> b.bytesReceived.get()).sum();
    }

    @Override
    public void close() {
        proxy.close();
        for (TestBackend b : backends) {
            b.close();
        }
    }

    /** What came back on a raw connection: the whole text, and the first status code in it. */
    record RawResponse(String text, boolean closed) {
        static RawResponse readUntilClose(InputStream in) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int r;
            while ((r = in.read(buf)) >= 0) {
                out.write(buf, 0, r);
            }
            return new RawResponse(out.toString(StandardCharsets.ISO_8859_1), true);
        }

        int status() {
            if (!text.startsWith("HTTP/1.1 ")) {
                return -1;
            }
            return Integer.parseInt(text.substring(9, 12));
        }

        /** Status codes of every response in the text, in order. */
        List<Integer> statuses() {
            List<Integer> out = new ArrayList<>();
            int i = 0;
            while ((i = text.indexOf("HTTP/1.1 ", i)) >= 0) {
                out.add(Integer.parseInt(text.substring(i + 9, i + 12)));
                i += 12;
            }
            return out;
        }
    }
}
