package io.sluice.algorithms.hashing;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Tried;
import io.sluice.algorithms.internal.Endpoints;
import io.sluice.algorithms.internal.Indices;

import java.util.random.RandomGenerator;

/**
 * {@code maglev} over a fixed set: {@code table[keyHash mod M]}, the modulo unsigned. Immutable;
 * a pick is one 64-bit division and one array load, with no allocation. The table holds the
 * endpoints themselves, not indices, to save a dependent load. A retry walks the table from the
 * key's slot to the next slot owned by an untried backend (slots are interleaved across backends,
 * so a step or two), deterministic per key.
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

    @Override
    public Endpoint pick(RequestContext ctx, Tried tried) {
        if (tried.isEmpty()) {
            return pick(ctx);
        }
        if (!Placement.hasKey(ctx)) {
            return Endpoints.anyUntried(byId, tried, random);
        }
        if (Endpoints.allTried(byId, tried)) {
            return null;
        }
        int start = Indices.unsignedMod(ctx.keyHash(), size);
        int slot = start;
        do {
            Endpoint e = table[slot];
            if (!tried.contains(e)) {
                return e;
            }
            if (++slot == size) {
                slot = 0;
            }
        } while (slot != start);
        // Every slot is a tried backend's; an untried one whose share is below 1/M owns none.
        return Endpoints.anyUntried(byId, tried, random);
    }

    /** The lookup table (tests). */
    Endpoint[] table() {
        return table;
    }
}
