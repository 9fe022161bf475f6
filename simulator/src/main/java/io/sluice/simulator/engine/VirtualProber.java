package io.sluice.simulator.engine;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Prober;
import io.sluice.simulator.model.Distribution;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Answers the probes of probing strategies (prequal) in virtual time: a probe goes out after a
 * network hop, reads the backend's queue (waiting out a stall; lost at a crashed backend), and
 * comes back after another hop. Probe state lives in pooled parallel arrays, as attempts do.
 * Hops are drawn from the network's delay distribution on the probes' own random stream.
 */
final class VirtualProber implements Prober {
    private final VirtualClock clock;
    private final EventQueue queue;
    private final BackendStations stations;
    private BackendIndex index;
    private final Distribution networkDelay;
    private final boolean zeroNetwork;
    private final SplittableRandom random;

    private int capacity = 64;
    private Endpoint[] endpoint = new Endpoint[capacity];
    private ProbeSink[] sink = new ProbeSink[capacity];
    private int[] backend = new int[capacity];
    private int[] inFlight = new int[capacity];
    private long[] latency = new long[capacity];
    private int[] free = new int[capacity];
    private int freeCount;
    private int used;
    /** Probes sent so far. */
    long probes;

    VirtualProber(VirtualClock clock, EventQueue queue, BackendStations stations, Distribution networkDelay,
                  SplittableRandom random) {
        this.clock = clock;
        this.queue = queue;
        this.stations = stations;
        this.networkDelay = networkDelay;
        this.zeroNetwork = networkDelay.mean() == 0;
        this.random = random;
    }

    /** The index probes resolve endpoints with; set once the load balancers exist. */
    void use(BackendIndex backendIndex) {
        this.index = backendIndex;
    }

    private long hop() {
        return zeroNetwork ? 0 : Math.round(networkDelay.sample(random));
    }

    @Override
    public void probe(Endpoint e, ProbeSink s, Environment env) {
        int b = index.of(e);
        if (b < 0) {
            return;
        }
        int p;
        if (freeCount > 0) {
            p = free[--freeCount];
        } else {
            if (used == capacity) {
                int len = capacity * 2;
                endpoint = Arrays.copyOf(endpoint, len);
                sink = Arrays.copyOf(sink, len);
                backend = Arrays.copyOf(backend, len);
                inFlight = Arrays.copyOf(inFlight, len);
                latency = Arrays.copyOf(latency, len);
                free = Arrays.copyOf(free, len);
                capacity = len;
            }
            p = used++;
        }
        probes++;
        endpoint[p] = e;
        sink[p] = s;
        backend[p] = b;
        queue.push(clock.now + hop(), Events.payload(Events.PROBE_AT_BACKEND, 0, p));
    }

    void onAtBackend(int p) {
        int b = backend[p];
        if (stations.crashed[b]) {
            release(p);
            return;
        }
        if (stations.stallDepth[b] > 0) {
            queue.push(stations.stallUntil[b], Events.payload(Events.PROBE_AT_BACKEND, 0, p));
            return;
        }
        inFlight[p] = stations.inSystem[b];
        latency[p] = stations.expectedLatencyNanos(b);
        queue.push(clock.now + hop(), Events.payload(Events.PROBE_REPLY, 0, p));
    }

    void onReply(int p) {
        Endpoint e = endpoint[p];
        ProbeSink s = sink[p];
        int held = inFlight[p];
        long lat = latency[p];
        release(p);
        s.onProbe(e, held, lat, clock.now);
    }

    private void release(int p) {
        endpoint[p] = null;
        sink[p] = null;
        free[freeCount++] = p;
    }
}
