package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Hashing;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Tried;
import io.sluice.algorithms.internal.Endpoints;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.internal.SnapshotStrategy;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The conventions every hashing strategy of this package shares: backends are placed by their id
 * (never by list position), a request is placed by {@link RequestContext#keyHash()}, and a request
 * without a key goes to a uniformly random backend
 * ({@link io.sluice.algorithms.internal.Endpoints#anyOf}).
 */
final class Placement {
    /** The odd constant {@link Hashing#hash64(CharSequence, long)} adds to a salt before mixing it. */
    private static final long SALT_INCREMENT = 0x9e3779b97f4a7c15L;

    private Placement() {
    }

    /** Builds a hashing picker for two or more available endpoints. */
    @FunctionalInterface
    interface PickerFactory {
        /**
         * @param byId      the available endpoints in ascending id order, at least two
         * @param endpoints the whole set (jump hash also places unavailable members)
         */
        Picker build(Endpoint[] byId, EndpointSet endpoints, Environment env);
    }

    /**
     * A hashing strategy: {@code factory} builds the picker over the available endpoints sorted by
     * id. Nothing available picks null; a single available backend is always picked, with or
     * without a key.
     *
     * @param description what the strategy's {@code toString} says: its name and parameters
     */
    static Strategy strategy(String name, String description, Environment env, PickerFactory factory) {
        return new SnapshotStrategy(name, description, env,
                (available, endpoints, e) -> factory.build(sortedById(available), endpoints, e));
    }

    /**
     * The endpoints in ascending id order. Membership order is whatever the caller gave, so any
     * structure built from list positions would change when only the order changed; sorting by id
     * makes the table a function of the set alone.
     */
    static Endpoint[] sortedById(List<Endpoint> endpoints) {
        Endpoint[] sorted = endpoints.toArray(new Endpoint[0]);
        Arrays.sort(sorted, Comparator.comparing(Endpoint::id));
        return sorted;
    }

    /**
     * The owner of the first point at or after ring index {@code from} that is not in
     * {@code tried}, walking clockwise; null when every owner was tried (checked first, so the
     * walk never laps a ring of tried backends).
     */
    static Endpoint nextUntried(HashRing ring, Endpoint[] byId, int from, Tried tried) {
        if (Endpoints.allTried(byId, tried)) {
            return null;
        }
        int index = from;
        while (true) {
            Endpoint e = byId[ring.ownerAt(index)];
            if (!tried.contains(e)) {
                return e;
            }
            index = ring.next(index);
        }
    }

    /** A request carries a key when it has one; a null context is treated as keyless, never as an error. */
    static boolean hasKey(RequestContext ctx) {
        return ctx != null && ctx.hasKey();
    }

    /**
     * {@link Hashing#hash64(CharSequence, long) Hashing.hash64(id, salt)} given
     * {@code idHash = Hashing.hash64(id)}, without hashing the id's characters again. Rendezvous
     * hashing scores every backend for every key, so the id's FNV pass is done once at picker build
     * and only the two mixes remain per backend and pick. A test pins this to {@link Hashing}.
     */
    static long saltedHash(long idHash, long salt) {
        return Hashing.mix64(idHash ^ mixedSalt(salt));
    }

    /** The salt half of {@link #saltedHash}, computed once per pick when many ids share one salt. */
    static long mixedSalt(long salt) {
        return Hashing.mix64(salt + SALT_INCREMENT);
    }
}
