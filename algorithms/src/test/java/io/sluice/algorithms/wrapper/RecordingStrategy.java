package io.sluice.algorithms.wrapper;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Strategy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real inner strategy for wrapper tests: remembers the last endpoint set it was given and how
 * many pickers it built, and picks by smooth weighted round robin (nginx's), which is exact: over
 * one cycle of total-weight picks each endpoint gets its weight's share, so shares can be checked
 * without statistics.
 */
final class RecordingStrategy implements Strategy {
    private final AtomicInteger builds = new AtomicInteger();
    private volatile EndpointSet last;
    private volatile Picker lastPicker;

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public Picker newPicker(EndpointSet endpoints) {
        builds.incrementAndGet();
        last = endpoints;
        Picker p = endpoints.available().isEmpty() ? Picker.NONE : new SmoothWeighted(endpoints.available());
        lastPicker = p;
        return p;
    }

    int builds() {
        return builds.get();
    }

    EndpointSet last() {
        return last;
    }

    Picker lastPicker() {
        return lastPicker;
    }

    /** Effective weight of {@code id} in the last set, or NaN if absent from the available list. */
    double weightOf(String id) {
        for (Endpoint e : last.available()) {
            if (e.id().equals(id)) {
                return e.weight();
            }
        }
        return Double.NaN;
    }

    /**
     * Each pick adds every weight to its running score, takes the highest, and subtracts the total
     * from the winner. Synchronized: a test helper, not a production picker.
     */
    private static final class SmoothWeighted implements Picker {
        private final Endpoint[] endpoints;
        private final double[] score;
        private final double total;

        SmoothWeighted(List<Endpoint> available) {
            this.endpoints = available.toArray(new Endpoint[0]);
            this.score = new double[endpoints.length];
            double sum = 0;
            for (Endpoint e : endpoints) {
                sum += e.weight();
            }
            this.total = sum;
        }

        @Override
        public synchronized Endpoint pick(RequestContext ctx) {
            int best = 0;
            for (int i = 0; i < endpoints.length; i++) {
                score[i] += endpoints[i].weight();
                if (score[i] > score[best]) {
                    best = i;
                }
            }
            score[best] -= total;
            return endpoints[best];
        }
    }
}
