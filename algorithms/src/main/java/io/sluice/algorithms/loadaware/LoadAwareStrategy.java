package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.Strategy;

import java.util.List;
import java.util.Objects;

/**
 * A load-aware strategy as a composition: a {@link Chooser} (the selection rule) comparing
 * endpoints by a {@link LoadMetric} (the load signal). Every strategy of this package is one of
 * these, configured by its provider. Immutable.
 *
 * <p>It balances over {@link EndpointSet#available()} and answers the small cases itself: no
 * endpoint gives a picker that answers null, one endpoint a picker that always answers it (no
 * clock read, no random draw).
 */
final class LoadAwareStrategy implements Strategy {
    private final String name;
    private final Chooser chooser;
    private final LoadMetric metric;
    private final Environment env;

    LoadAwareStrategy(String name, Chooser chooser, LoadMetric metric, Environment env) {
        this.name = Objects.requireNonNull(name, "name");
        this.chooser = Objects.requireNonNull(chooser, "chooser");
        this.metric = Objects.requireNonNull(metric, "metric");
        this.env = Objects.requireNonNull(env, "env");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Picker newPicker(EndpointSet endpoints) {
        List<Endpoint> available = endpoints.available();
        if (available.isEmpty()) {
            return Picker.NONE;
        }
        if (available.size() == 1) {
            Endpoint only = available.get(0);
            return ctx -> only;
        }
        return chooser.picker(available, metric.gauge(available), env);
    }

    @Override
    public String toString() {
        return name + "{" + chooser + " on " + metric + "}";
    }
}
