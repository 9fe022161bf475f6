package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.internal.Endpoints;
import io.sluice.algorithms.internal.Indices;

import java.util.random.RandomGenerator;

/**
 * {@code maglev} over a fixed set: {@code table[keyHash mod M]}, the modulo unsigned. Immutable;
 * a pick is one 64-bit division and one array load, with no allocation. The table holds the
 * endpoints themselves, not indices, to save a dependent load.
 */
final class MaglevPicker implements Picker {
    private final Endpoint[] table;
    private final int size;
    private final Endpoint[] byId;
    private final RandomGenerator random;

    MaglevPicker(Endpoint[] byId, Endpoint[] table, RandomGenerator random) {
        this.byId = byId;
        this.table = table;
        this.size = table.length;
        this.random = random;
    }

    @Override
    public Endpoint pick(RequestContext ctx) {
        if (!Placement.hasKey(ctx)) {
            return Endpoints.anyOf(byId, random);
        }
        return table[Indices.unsignedMod(ctx.keyHash(), size)];
    }

    /** The lookup table (tests). */
    Endpoint[] table() {
        return table;
    }
}
