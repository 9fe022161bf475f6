package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.config.ConfigParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Backends killed and restarted under load, for real: each backend is its own process
 * ({@link ChaosBackend}), stopped with SIGKILL or SIGTERM while several clients send GETs through
 * the proxy as fast as it answers. No GET may fail: a request in flight on a backend that dies
 * is sent again (a reused connection closed under it is a stale connection, then the refused
 * connect goes to another backend), and new requests avoid the dead backend or are retried off it.
 *
 * <p>Bounded: nine steps of {@value #STEP_REQUESTS} answered GETs each, or 3 s when the machine is
 * slower than that, so at most about half a minute. The counts are printed for the record.
 */
class ChaosTest {
    private static final int BACKENDS = 3;
    private static final int CLIENTS = 8;
    /** Between two events, at least this many GETs are answered... */
    private static final long STEP_REQUESTS = 500;
    /** ...or this much time passes, whichever comes first: the test stays bounded on a slow machine. */
    private static final long STEP_NANOS = TimeUnit.SECONDS.toNanos(3);

    /** One backend process and the port it keeps across restarts. */
    private static final class Backend implements AutoCloseable {
        final String id;
        int port;
        Process process;

        Backend(String id) throws IOException {
            this.id = id;
            start(0);
        }

        void start(int wantedPort) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), ChaosBackend.class.getName(), id,
                    Integer.toString(wantedPort));
            pb.redirectErrorStream(true);
            process = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.US_ASCII));
            String line = out.readLine();
            if (line == null || !line.startsWith("listening ")) {
                process.destroyForcibly();
                throw new IOException("backend " + id + " did not start: " + line);
            }
            port = Integer.parseInt(line.substring("listening ".length()).trim());
            // Keep draining its output so it never blocks on a full pipe.
            Thread drain = new Thread(() -> {
                try {
                    while (out.readLine() != null) {
                        // discarded
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "chaos-" + id + "-out");
            drain.setDaemon(true);
            drain.start();
        }

        /** SIGKILL or SIGTERM, and waits until the process is gone. */
        void stop(boolean kill) throws InterruptedException {
            if (kill) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }

        void restart() throws IOException {
            start(port);
        }

        @Override
        public void close() throws InterruptedException {
            if (process != null && process.isAlive()) {
                stop(true);
            }
        }
    }

    @Test
    void getsSurviveBackendsKilledAndRestartedUnderLoad() throws Exception {
        List<Backend> backends = new ArrayList<>();
        try {
            for (int i = 1; i <= BACKENDS; i++) {
                backends.add(new Backend("b" + i));
            }
            StringBuilder yaml = new StringBuilder()
                    .append("accessLog: { path: \"off\" }\n")
                    .append("workers: 2\n")
                    .append("listeners:\n  - name: web\n    bind: 127.0.0.1:0\n    routes:\n      - cluster: c\n")
                    .append("clusters:\n  - name: c\n    strategy: { name: p2c-least-request }\n    backends:\n");
            for (Backend b : backends) {
                yaml.append("      - { id: ").append(b.id).append(", address: '127.0.0.1:").append(b.port)
                        .append("' }\n");
            }
            try (Proxy proxy = Proxy.start(ConfigParser.parse(yaml.toString()))) {
                Map<RequestObserver.Outcome, AtomicLong> attempts = new EnumMap<>(RequestObserver.Outcome.class);
                for (RequestObserver.Outcome o : RequestObserver.Outcome.values()) {
                    attempts.put(o, new AtomicLong());
                }
                proxy.addObserver(new RequestObserver() {
                    @Override
                    public void onAttemptEnd(Attempt attempt) {
                        attempts.get(attempt.outcome()).incrementAndGet();
                    }
                });
                URI uri = URI.create("http://127.0.0.1:" + proxy.address("web").getPort() + "/chaos");
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicLong ok = new AtomicLong();
                Map<String, Long> failures = new ConcurrentHashMap<>();
                Map<String, AtomicLong> byBackend = new ConcurrentHashMap<>();
                List<Thread> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    Thread t = new Thread(() -> {
                        HttpRequest get = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build();
                        while (running.get()) {
                            try {
                                HttpResponse<String> r = client.send(get, HttpResponse.BodyHandlers.ofString());
                                if (r.statusCode() == 200) {
                                    ok.incrementAndGet();
                                    byBackend.computeIfAbsent(r.body(), k -> new AtomicLong()).incrementAndGet();
                                } else {
                                    failures.merge(r.statusCode() + " " + r.body().strip(), 1L, Long::sum);
                                }
                            } catch (IOException e) {
                                failures.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1L, Long::sum);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }, "chaos-client-" + c);
                    clients.add(t);
                    t.start();
                }
                // b1 SIGKILL, b2 SIGTERM, b3 SIGKILL, b1 SIGTERM: each back a step later, one at a time.
                String plan = "";
                int[] victims = {0, 1, 2, 0};
                boolean[] kill = {true, false, true, false};
                for (int i = 0; i < victims.length; i++) {
                    awaitProgress(ok);
                    Backend b = backends.get(victims[i]);
                    long before = ok.get();
                    b.stop(kill[i]);
                    plan += b.id + (kill[i] ? " SIGKILL" : " SIGTERM") + " at " + before + " ok; ";
                    awaitProgress(ok);
                    b.restart();
                }
                awaitProgress(ok);
                running.set(false);
                for (Thread t : clients) {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                }
                System.out.printf("chaos: %s%nchaos: %d GETs answered 200 (%s), %d failed %s; attempts %s%n", plan,
                        ok.get(), byBackend, failures.values().stream().mapToLong(Long::longValue).sum(), failures,
                        attempts);
                assertThat(failures).as("failed GETs").isEmpty();
                assertThat(ok.get()).as("GETs answered").isGreaterThan(1000);
                // The kills happened under load: requests met dead or stale connections and were moved.
                assertThat(attempts.get(RequestObserver.Outcome.CONNECT_FAILURE).get()
                        + attempts.get(RequestObserver.Outcome.STALE_CONNECTION).get()
                        + attempts.get(RequestObserver.Outcome.RESET).get()).isPositive();
            }
        } finally {
            for (Backend b : backends) {
                b.close();
            }
        }
    }

    /** Waits until {@value #STEP_REQUESTS} more GETs were answered, or {@link #STEP_NANOS} passed. */
    private static void awaitProgress(AtomicLong ok) throws InterruptedException {
        long target = ok.get() + STEP_REQUESTS;
        long deadline = System.nanoTime() + STEP_NANOS;
        while (ok.get() < target && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
    }
}
