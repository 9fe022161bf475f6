package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;

import java.util.List;

/**
 * {@code rendezvous}: highest-random-weight hashing (Thaler and Ravishankar, "Using Name-Based
 * Mappings to Increase Hit Rates", IEEE/ACM ToN 1998), weighted with the logarithmic method
 * (Schindelhauer and Schomaker, "Weighted Distributed Hash Tables", SPAA 2005; Resch, "New Hashing
 * Algorithms for Data Storage", 2015).
 *
 * <p>For a key, each available backend {@code i} draws {@code u_i} in (0, 1) from
 * {@code Hashing.hash64(id_i, keyHash)} and scores {@code w_i / -ln(u_i)}; the highest score wins.
 * Why the shares follow the weights exactly: {@code -ln(u_i)} is exponential with rate 1, so
 * {@code -ln(u_i) / w_i} is exponential with rate {@code w_i}, and the smallest of independent
 * exponentials is the i-th with probability {@code w_i / sum(w)}. Example: weights 1 and 3 give
 * shares 1/4 and 3/4. Removing a backend moves only the keys it won, and adding one moves only
 * the keys it now wins (a fraction {@code w_new / sum(w)}), exactly. A request without a key goes
 * to a uniformly random available backend.
 *
 * <p>Cost: a key's first pick scores every backend, O(N), inherent to the method (about N hash
 * mixes with equal weights, plus N logarithms with unequal ones); from 16 backends up each picker
 * remembers recent answers, so a key seen again since the last rebuild costs O(1) (see
 * {@code RendezvousPicker}). A fleet of devices that report repeatedly is served from the cache;
 * a stream of ever-new keys pays the scan, microseconds at 1000 backends, for which {@code maglev}
 * or {@code ring-hash} suit better. No parameters.
 */
public final class RendezvousProvider implements StrategyProvider {
    /** The registered name. */
    public static final String NAME = "rendezvous";

    /** Used by {@link java.util.ServiceLoader}. */
    public RendezvousProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Rendezvous (highest-random-weight) hashing (Thaler & Ravishankar 1998), weighted by the"
                + " logarithmic method; O(N) per new key, recent keys cached; keyless requests go to a random backend.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of();
    }

    @Override
    public Strategy create(Parameters params, Environment env) {
        return Placement.strategy(NAME, NAME, env, (byId, endpoints, e) -> new RendezvousPicker(byId, e.random()));
    }
}
