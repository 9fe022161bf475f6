package io.sluice.emulator;

import io.sluice.simulator.engine.RandomStreams;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Discipline;
import io.sluice.simulator.model.Distribution;
import io.sluice.simulator.model.ScriptedEvent;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Real servers on 127.0.0.1, a real JDK client; waits are conditions with deadlines. */
class EmulatorTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static HttpResponse<String> get(InetSocketAddress a) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + "/x"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static List<Double> drawsFor(long seed, String id, Distribution d, int n) {
        SplittableRandom r = RandomStreams.stream(seed, "backend-" + id);
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(d.sample(r));
        }
        return out;
    }

    @Test
    void sameSeedGivesTheSimulatorsServiceTimeSequencePerBackend() throws Exception {
        Distribution d = Distribution.exponential(200_000);   // 0.2 ms: 15 requests take ~3 ms of service
        List<BackendGroup> fleet = List.of(BackendGroup.builder("api", 2).concurrency(1).serviceTime(d).build());
        List<List<Double>> runs = new ArrayList<>();
        for (long seed : new long[]{42, 42, 43}) {
            try (Emulator e = Emulator.start(fleet, List.of(), seed, 0, 1)) {
                InetSocketAddress a = e.addresses().get("api-1");
                for (int i = 0; i < 15; i++) {
                    HttpResponse<String> r = get(a);
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.headers().firstValue(EmulatedBackend.BACKEND_HEADER)).contains("api-1");
                }
                List<Double> drawn = e.backends().get("api-1").drawnServiceTimes();
                assertThat(drawn).containsExactlyElementsOf(drawsFor(seed, "api-1", d, 15));
                assertThat(e.backends().get("api-0").drawnServiceTimes()).isEmpty();
                runs.add(drawn);
            }
        }
        assertThat(runs.get(0)).isEqualTo(runs.get(1)).isNotEqualTo(runs.get(2));
    }

    @Test
    void aFullQueueIsAnswered503() throws Exception {
        // One server, no waiting room, 30 s of service: the first request holds the only place.
        List<BackendGroup> fleet = List.of(BackendGroup.builder("api", 1).concurrency(1).queueCapacity(0)
                .serviceTime(Distribution.constant(30e9)).build());
        try (Emulator e = Emulator.start(fleet, List.of(), 1, 0, 1)) {
            InetSocketAddress a = e.addresses().get("api-0");
            EmulatedBackend b = e.backends().get("api-0");
            CompletableFuture<HttpResponse<String>> first = CLIENT.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + "/hold")).build(),
                    HttpResponse.BodyHandlers.ofString());
            await(() -> b.received() == 1, "the first request reaches the backend");
            HttpResponse<String> second = get(a);
            assertThat(second.statusCode()).isEqualTo(503);
            assertThat(b.rejected()).isEqualTo(1);
            assertThat(first).isNotDone();
            first.cancel(true);
        }
    }

    @Test
    void processorSharingServesTwoRequestsAtHalfSpeedEach() throws Exception {
        // PS, 1 server, constant 150 ms: two requests at once share the server and both finish at
        // ~300 ms; FIFO would answer the first at ~150 ms. The lower bound is exact (no request can
        // finish before its share of work is done); the upper bound leaves a loaded box 2 s.
        List<BackendGroup> fleet = List.of(BackendGroup.builder("api", 1).concurrency(1)
                .discipline(Discipline.PROCESSOR_SHARING).serviceTime(Distribution.constant(150e6)).build());
        try (Emulator e = Emulator.start(fleet, List.of(), 1, 0, 1)) {
            InetSocketAddress a = e.addresses().get("api-0");
            long t0 = System.nanoTime();
            CompletableFuture<Long> r1 = CompletableFuture.supplyAsync(() -> timed(a, t0));
            CompletableFuture<Long> r2 = CompletableFuture.supplyAsync(() -> timed(a, t0));
            long first = Math.min(r1.join(), r2.join());
            // Both arrive within a few ms of each other, so the first completes after >= ~2 x 150 ms
            // minus the arrival gap; 250 ms leaves 50 ms for that gap.
            assertThat(first).isGreaterThan(250_000_000L).isLessThan(2_300_000_000L);
        }
    }

    private static long timed(InetSocketAddress a, long t0) {
        try {
            assertThat(get(a).statusCode()).isEqualTo(200);
            return System.nanoTime() - t0;
        } catch (IOException | InterruptedException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Test
    void aCrashRefusesConnectionsUntilTheRecovery() throws Exception {
        List<BackendGroup> fleet = List.of(BackendGroup.builder("api", 2).serviceTime(Distribution.constant(0))
                .build());
        List<ScriptedEvent> events = List.of(ScriptedEvent.crash("api-0", 200_000_000L),
                ScriptedEvent.recover("api-0", 1_200_000_000L));
        try (Emulator e = Emulator.start(fleet, events, 1, 0, 1)) {
            InetSocketAddress a = e.addresses().get("api-0");
            assertThat(get(a).statusCode()).isEqualTo(200);
            e.startEvents();
            await(() -> refuses(a), "api-0 refuses connections after its crash");
            assertThat(e.backends().get("api-0").isCrashed()).isTrue();
            assertThat(get(e.addresses().get("api-1")).statusCode()).isEqualTo(200);
            await(() -> !refuses(a), "api-0 accepts again after its recovery");
            assertThat(get(a).statusCode()).isEqualTo(200);
        }
    }

    private static boolean refuses(InetSocketAddress a) {
        try (Socket s = new Socket()) {
            s.connect(a, 1000);
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException other) {
            return false;
        }
    }
}
