package io.sluice.algorithms.wrapper;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.Strategy;

import java.util.ArrayList;
import java.util.List;

/**
 * Envoy's panic threshold: when too few backends are healthy, health checking is probably what is
 * broken (or the survivors would drown under everyone's traffic), so balance over every member
 * again rather than over the few that pass.
 *
 * <p>Rule, decided at every picker build: with M members and H available, panic when
 * {@code H * 100 < percent * M}. In panic the inner strategy gets every member except
 * {@link HealthState#DRAINING} ones as available (an operator took those out on purpose); otherwise
 * the set unchanged. Worked example, 50 % (Envoy's default) over 10 members: 5 healthy is 50 %, no
 * panic; 4 healthy is 40 %, panic, and the 4 healthy plus the unhealthy and ejected ones share the
 * traffic. 0 % never panics; 100 % panics as soon as one member is unavailable. With no members
 * there is nothing to panic about; with every member draining the picker has nothing to offer.
 *
 * <p>Thread safety: stateless; the picker is the inner strategy's own.
 */
final class PanicThreshold implements Strategy {
    private final Strategy inner;
    private final double percent;

    PanicThreshold(Strategy inner, double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("panic-threshold percent must be in [0, 100], got " + percent);
        }
        this.inner = inner;
        this.percent = percent;
    }

    @Override
    public String name() {
        return inner.name() + "+" + PanicThresholdWrapperProvider.NAME;
    }

    @Override
    public Picker newPicker(EndpointSet endpoints) {
        return inner.newPicker(effective(endpoints));
    }

    /** The set the inner strategy should see: in panic, every member but the draining ones is available. */
    EndpointSet effective(EndpointSet endpoints) {
        List<Endpoint> all = endpoints.all();
        if (all.isEmpty() || endpoints.available().size() * 100.0 >= percent * all.size()) {
            return endpoints;
        }
        List<Endpoint> notDraining = new ArrayList<>(all.size());
        for (Endpoint e : all) {
            if (e.health() != HealthState.DRAINING) {
                notDraining.add(e);
            }
        }
        return EndpointSet.of(all, notDraining);
    }
}
