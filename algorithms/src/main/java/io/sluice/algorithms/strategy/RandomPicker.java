package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Tried;
import io.sluice.algorithms.internal.Endpoints;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Uniform random choice: each pick is endpoint {@code U} with {@code U} uniform on
 * {@code [0, n)} from the environment's random source, independent of every other pick.
 *
 * <p>Thread safety is the random source's: {@link Environment#system()} draws from the calling
 * thread's {@code ThreadLocalRandom}; a seeded {@link Environment#virtual} source is for one
 * thread (the simulator).
 */
final class RandomPicker implements Picker {
    private final Endpoint[] endpoints;
    private final RandomGenerator random;

    RandomPicker(List<Endpoint> endpoints, RandomGenerator random) {
        this.endpoints = endpoints.toArray(new Endpoint[0]);
        this.random = random;
    }

    static RandomPicker over(List<Endpoint> available, Environment env) {
        return new RandomPicker(available, env.random());
    }

    @Override
    public Endpoint pick(RequestContext ctx) {
        return Endpoints.anyOf(endpoints, random);
    }

    /** Uniform over the untried endpoints ({@link Endpoints#anyUntried}). */
    @Override
    public Endpoint pick(RequestContext ctx, Tried tried) {
        return tried.isEmpty() ? pick(ctx) : Endpoints.anyUntried(endpoints, tried, random);
    }

    @Override
    public String toString() {
        return "RandomPicker{" + endpoints.length + " endpoints}";
    }
}
