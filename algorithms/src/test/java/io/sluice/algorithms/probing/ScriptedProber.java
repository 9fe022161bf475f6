package io.sluice.algorithms.probing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Prober;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real {@link Prober} for tests: each backend id answers with scripted values, or from its own
 * {@link io.sluice.algorithms.BackendLoad}, or never (a lost probe). Answers come at once, or after
 * a delay on the environment's clock, delivered when the test calls {@link #deliverDue}.
 */
final class ScriptedProber implements Prober {
    private record Answer(int requestsInFlight, long latencyNanos) {
    }

    private record Pending(Endpoint endpoint, ProbeSink sink, Answer answer, long dueNanos) {
    }

    private static final Answer FROM_LOAD = new Answer(-1, -1);

    private final Map<String, Answer> script = new ConcurrentHashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private final List<String> probed = Collections.synchronizedList(new ArrayList<>());
    private volatile long delayNanos;

    /** {@code id} answers every probe with these values. */
    ScriptedProber answer(String id, int requestsInFlight, long latencyMillis) {
        script.put(id, new Answer(requestsInFlight, latencyMillis * 1_000_000L));
        return this;
    }

    /** {@code id} answers from its endpoint's live load, as {@link Prober#LOCAL} does. */
    ScriptedProber answerFromLoad(String id) {
        script.put(id, FROM_LOAD);
        return this;
    }

    /** Every probe from now on is lost. */
    ScriptedProber silenceAll() {
        script.clear();
        return this;
    }

    /** Answers arrive this long after the probe is sent (0: at once, inside the call). */
    ScriptedProber delayMillis(long millis) {
        this.delayNanos = millis * 1_000_000L;
        return this;
    }

    @Override
    public void probe(Endpoint endpoint, ProbeSink sink, Environment env) {
        probed.add(endpoint.id());
        Answer a = script.get(endpoint.id());
        if (a == null) {
            return;
        }
        long now = env.nanoTime();
        if (a == FROM_LOAD) {
            a = new Answer(endpoint.load().inFlight(), (long) endpoint.load().latencyNanos(now));
        }
        long delay = delayNanos;
        if (delay == 0) {
            sink.onProbe(endpoint, a.requestsInFlight(), a.latencyNanos(), now);
        } else {
            synchronized (pending) {
                pending.add(new Pending(endpoint, sink, a, now + delay));
            }
        }
    }

    /** Delivers every delayed answer due by {@code nowNanos}, stamped with {@code nowNanos}; returns how many. */
    int deliverDue(long nowNanos) {
        List<Pending> due = new ArrayList<>();
        synchronized (pending) {
            for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (p.dueNanos() - nowNanos <= 0) {
                    due.add(p);
                    it.remove();
                }
            }
        }
        for (Pending p : due) {
            p.sink().onProbe(p.endpoint(), p.answer().requestsInFlight(), p.answer().latencyNanos(), nowNanos);
        }
        return due.size();
    }

    /** Ids probed so far, in order, and forgets them. */
    List<String> drainProbed() {
        synchronized (probed) {
            List<String> copy = new ArrayList<>(probed);
            probed.clear();
            return copy;
        }
    }
}
