package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Tried;
import io.sluice.algorithms.internal.AliasTable;
import io.sluice.algorithms.internal.Endpoints;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Random choice proportional to effective weight, through an {@link AliasTable}: two draws and two
 * array reads per pick, whatever the number of endpoints.
 *
 * <p>Thread safety is the random source's, as for {@link RandomPicker}.
 */
final class WeightedRandomPicker implements Picker {
    private final Endpoint[] endpoints;
    private final AliasTable table;
    private final RandomGenerator random;

    WeightedRandomPicker(List<Endpoint> endpoints, RandomGenerator random) {
        this.endpoints = endpoints.toArray(new Endpoint[0]);
        this.table = new AliasTable(Endpoints.weights(endpoints));
        this.random = random;
    }

    /** Uniform {@link RandomPicker} when every weight is the same (no table, one draw), else an alias table. */
    static Picker over(List<Endpoint> available, Environment env) {
        if (Endpoints.equalWeights(available)) {
            return RandomPicker.over(available, env);
        }
        return new WeightedRandomPicker(available, env.random());
    }

    @Override
    public Endpoint pick(RequestContext ctx) {
        return endpoints[table.sample(random)];
    }

    /**
     * In proportion to weight among the untried endpoints: alias draws until one is untried
     * (exactly the conditional law), and should {@value #REDRAWS} of them miss, one draw over the
     * untried weights in O(n). Null when every endpoint was tried.
     */
    @Override
    public Endpoint pick(RequestContext ctx, Tried tried) {
        if (tried.isEmpty()) {
            return pick(ctx);
        }
        for (int attempt = 0; attempt < REDRAWS; attempt++) {
            Endpoint e = endpoints[table.sample(random)];
            if (!tried.contains(e)) {
                return e;
            }
        }
        double total = 0;
        Endpoint last = null;
        for (Endpoint e : endpoints) {
            if (!tried.contains(e)) {
                total += e.weight();
                last = e;
            }
        }
        double u = random.nextDouble() * total;
        for (Endpoint e : endpoints) {
            if (!tried.contains(e)) {
                u -= e.weight();
                if (u < 0) {
                    return e;
                }
            }
        }
        return last; // null when nothing is left; else rounding left u just above 0
    }

    private static final int REDRAWS = 16;

    @Override
    public String toString() {
        return "WeightedRandomPicker{" + endpoints.length + " endpoints}";
    }
}
