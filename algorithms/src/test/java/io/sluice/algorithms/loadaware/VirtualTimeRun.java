package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyRegistry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A small discrete-event loop in virtual time for scenario tests: requests arrive at a fixed rate,
 * each goes to the backend the load balancer picks, which serves it in a service time of the
 * test's choosing; {@link BackendLoad#onRequestStart()} and
 * {@link BackendLoad#onRequestEnd(long, long, boolean)} are called when it starts and ends, as the
 * proxy would. Single-threaded and deterministic for a seed: the strategy's randomness and the
 * service times come from separate seeded sources, and the clock is a field the loop advances.
 */
final class VirtualTimeRun {
    /** How long {@code backendId} takes to serve a request it starts at {@code startNanos}. */
    @FunctionalInterface
    interface ServiceTime {
        long nanos(String backendId, long startNanos, SplittableRandom random);
    }

    private record Completion(long endNanos, long seq, long startNanos, BackendLoad load) {
    }

    private long now;
    private long seq;
    private final LoadBalancer balancer;
    private final ServiceTime serviceTime;
    private final SplittableRandom serviceRandom;
    private final List<Backend> backends;
    private final PriorityQueue<Completion> completions = new PriorityQueue<>((a, b) ->
            a.endNanos != b.endNanos ? Long.compare(a.endNanos, b.endNanos) : Long.compare(a.seq, b.seq));

    VirtualTimeRun(String strategy, Map<String, ?> params, List<Backend> backends, long ewmaDecayNanos, long seed,
                   ServiceTime serviceTime) {
        Environment env = Environment.virtual(() -> now, seed);
        Strategy s = StrategyRegistry.standard().create(strategy, params, env);
        this.balancer = LoadBalancer.create(s, env, ewmaDecayNanos);
        this.balancer.setBackends(backends);
        this.backends = backends;
        this.serviceTime = serviceTime;
        this.serviceRandom = new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    /**
     * Sends one request every {@code interArrivalNanos} from the current time until
     * {@code untilNanos} (exclusive) and returns how many each backend received, by id, in
     * membership order.
     */
    Map<String, Long> run(long untilNanos, long interArrivalNanos) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Backend b : backends) {
            counts.put(b.id(), 0L);
        }
        for (long t = now; t < untilNanos; t += interArrivalNanos) {
            completeUntil(t);
            now = t;
            Endpoint e = balancer.pick(RequestContext.NONE);
            e.load().onRequestStart();
            long service = serviceTime.nanos(e.id(), t, serviceRandom);
            completions.add(new Completion(t + service, seq++, t, e.load()));
            counts.merge(e.id(), 1L, Long::sum);
        }
        completeUntil(untilNanos);
        now = untilNanos;
        return counts;
    }

    private void completeUntil(long t) {
        while (!completions.isEmpty() && completions.peek().endNanos <= t) {
            Completion c = completions.poll();
            now = c.endNanos;
            c.load.onRequestEnd(now, c.endNanos - c.startNanos, true);
        }
    }

    BackendLoad load(String id) {
        return balancer.endpoint(id).load();
    }

    long now() {
        return now;
    }
}
