package io.sluice.cli.validate;

import io.sluice.emulator.EmulatedBackend;
import io.sluice.simulator.workload.Arrival;
import io.sluice.simulator.workload.ArrivalStream;
import io.sluice.simulator.workload.WorkloadSpec;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-model load generator over the JDK HTTP client: it replays a scenario's workload (the very
 * arrival stream the simulator draws, Poisson, periodic fleets or a trace) on the wall clock, each
 * request sent at its arrival time whether or not earlier ones have been answered, with the device id
 * in the affinity header. Latency is measured from the <em>intended</em> send time, so a generator
 * that falls behind (a busy machine, a GC pause) counts the delay against the system instead of
 * hiding it: coordinated omission corrected by construction (Tene, "How NOT to measure latency").
 *
 * <p>Used instead of Gatling by {@code sluice validate}: Gatling cannot run in-process from the
 * command line here (see README "Simulation vs reality").
 */
final class LoadGenerator {
    /** What one run measured over its window (arrivals at or after the warm-up). */
    record Measured(Histogram latency, long requests, long succeeded, long failed, long rejected503,
                    Map<String, Long> perBackend, long lateSendsOver1ms, long maxSendLagNanos) {
    }

    private final HttpClient client;

    LoadGenerator() {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
    }

    /**
     * @param workloadSeed the workload stream's seed (the simulator's {@code RandomStreams.seed(seed, "workload")})
     * @param affinityHeader header carrying the device id, or null
     */
    Measured run(URI target, WorkloadSpec workload, long workloadSeed, long durationNanos, long warmUpNanos,
                 String affinityHeader) throws InterruptedException {
        Histogram hist = new Histogram(3_600_000_000_000L, 3);
        AtomicLong requests = new AtomicLong();
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        LongAdder rejected = new LongAdder();
        Map<String, LongAdder> perBackend = new ConcurrentHashMap<>();
        AtomicLong outstanding = new AtomicLong();
        long late = 0;
        long maxLag = 0;
        long start = System.nanoTime() + 50_000_000L;
        Arrival a = new Arrival();
        try (ArrivalStream stream = workload.open(workloadSeed, durationNanos)) {
            while (stream.next(a)) {
                if (a.timeNanos >= durationNanos) {
                    break;
                }
                long due = start + a.timeNanos;
                long now;
                while ((now = System.nanoTime()) < due) {
                    LockSupport.parkNanos(due - now);
                }
                long lag = now - due;
                maxLag = Math.max(maxLag, lag);
                if (lag > 1_000_000L) {
                    late++;
                }
                boolean measured = a.timeNanos >= warmUpNanos;
                HttpRequest.Builder rb = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30));
                if (affinityHeader != null && a.deviceId != null) {
                    rb.header(affinityHeader, a.deviceId);
                }
                if (measured) {
                    requests.incrementAndGet();
                }
                outstanding.incrementAndGet();
                client.sendAsync(rb.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((r, err) -> {
                    long t = System.nanoTime() - due;
                    if (measured) {
                        if (err == null && r.statusCode() < 400) {
                            ok.increment();
                            synchronized (hist) {
                                hist.recordValue(Math.min(t, hist.getHighestTrackableValue()));
                            }
                            r.headers().firstValue(EmulatedBackend.BACKEND_HEADER).ifPresent(id ->
                                    perBackend.computeIfAbsent(id, k -> new LongAdder()).increment());
                        } else {
                            failed.increment();
                            if (r != null && r.statusCode() == 503) {
                                rejected.increment();
                            }
                        }
                    }
                    outstanding.decrementAndGet();
                });
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(35);
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Map<String, Long> shares = new TreeMap<>();
        perBackend.forEach((k, v) -> shares.put(k, v.sum()));
        synchronized (hist) {
            return new Measured(hist.copy(), requests.get(), ok.sum(), failed.sum(), rejected.sum(), shares, late,
                    maxLag);
        }
    }

    /**
     * Round-trip times of sequential GETs alternating between {@code a} and {@code b} ({@code n} each,
     * after {@code warm} unmeasured pairs), so that warm-up and machine noise fall on both alike.
     */
    Histogram[] alternatingRtt(URI a, URI b, int warm, int n) throws Exception {
        Histogram[] h = {new Histogram(60_000_000_000L, 3), new Histogram(60_000_000_000L, 3)};
        HttpRequest[] req = {HttpRequest.newBuilder(a).timeout(Duration.ofSeconds(5)).build(),
                HttpRequest.newBuilder(b).timeout(Duration.ofSeconds(5)).build()};
        for (int i = 0; i < warm + n; i++) {
            for (int k = 0; k < 2; k++) {
                long t0 = System.nanoTime();
                HttpResponse<Void> r = client.send(req[k], HttpResponse.BodyHandlers.discarding());
                long t = System.nanoTime() - t0;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("calibration request to " + req[k].uri() + " answered "
                            + r.statusCode());
                }
                if (i >= warm) {
                    h[k].recordValue(t);
                }
            }
        }
        return h;
    }
}
