package io.sluice.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.proxy.config.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A {@link ProxyDaemon} run from a config file in a temporary directory, as {@code sluice proxy
 * --config} runs it, with its admin API on an ephemeral loopback port, in front of
 * {@link TestBackend}s; plus clients for the proxy's listener {@code web} and the admin API.
 */
final class DaemonFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final Path dir;
    final Path file;
    final ProxyDaemon daemon;
    final List<TestBackend> backends;
    /** What the daemon logged (logger io.sluice.proxy.ProxyDaemon), "LEVEL message" a line. */
    final List<String> log;
    private final LogCapture capture = new LogCapture(ProxyDaemon.class);
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private DaemonFixture(Path dir, Path file, List<TestBackend> backends) throws ConfigException {
        this.dir = dir;
        this.file = file;
        this.backends = backends;
        this.log = capture.lines;
        try {
            this.daemon = ProxyDaemon.start(file);
        } catch (ConfigException | RuntimeException e) {
            capture.close();
            throw e;
        }
    }

    /** Starts a daemon on {@code yaml}, written to a fresh file. */
    static DaemonFixture start(String yaml, List<TestBackend> backends) throws IOException, ConfigException {
        Path dir = Files.createTempDirectory("sluice-daemon-test");
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, yaml);
        return new DaemonFixture(dir, file, backends);
    }

    /**
     * A config with the admin API on an ephemeral port, no access log and a 5 s drain timeout
     * (unless {@code top} sets them), listener {@code web} on an ephemeral port routing everything to cluster {@code c} over
     * {@code backends} with {@code strategy}; {@code top} lines go to the top level, {@code cluster}
     * lines (indented by four) under the cluster.
     */
    static String config(String strategy, List<TestBackend> backends, String top, String cluster) {
        StringBuilder y = new StringBuilder();
        y.append("admin: { listen: 127.0.0.1:0 }\n");
        y.append("workers: 2\n");
        if (!top.contains("accessLog")) {
            y.append("accessLog: { path: \"off\" }\n");
        }
        if (!top.contains("drainTimeout")) {
            y.append("drainTimeout: 5s\n");
        }
        y.append(top);
        y.append("listeners:\n  - name: web\n    bind: 127.0.0.1:0\n    routes:\n      - cluster: c\n");
        y.append("clusters:\n  - name: c\n    strategy: { name: ").append(strategy).append(" }\n");
        y.append("    backends:\n");
        for (TestBackend b : backends) {
            y.append("      - { id: ").append(b.id).append(", address: '").append(b.address()).append("' }\n");
        }
        y.append(cluster);
        return y.toString();
    }

    /** Replaces the config file (a reload reads it). */
    void rewrite(String yaml) throws IOException {
        Files.writeString(file, yaml);
    }

    int port() {
        return daemon.proxy().address("web").getPort();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    URI adminUri(String path) {
        return URI.create("http://127.0.0.1:" + daemon.adminAddress().getPort() + path);
    }

    /** An admin request; {@code body} null sends none. */
    HttpResponse<String> admin(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return client.send(HttpRequest.newBuilder(adminUri(path)).timeout(Duration.ofSeconds(30)).method(method, p)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET on the admin API, parsed; fails unless the status is 200. */
    JsonNode adminJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = admin("GET", path, null);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** The admin view of one backend of cluster {@code c}. */
    JsonNode backend(String id) throws IOException, InterruptedException {
        for (JsonNode b : adminJson("/clusters/c").get("backends")) {
            if (b.get("id").asText().equals(id)) {
                return b;
            }
        }
        throw new AssertionError("no backend " + id);
    }

    Cluster cluster() {
        return daemon.proxy().snapshot().cluster("c");
    }

    /** Waits up to {@code seconds} for {@code condition}; returns whether it came true. */
    static boolean await(int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() - deadline < 0) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        return condition.getAsBoolean();
    }

    @Override
    public void close() throws IOException {
        try {
            daemon.stop();
        } finally {
            capture.close();
            for (TestBackend b : backends) {
                b.close();
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
