package io.sluice.algorithms.internal;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Tried;

import java.util.Objects;

/**
 * The picker of a set with exactly one available endpoint, whatever the strategy: there is nothing
 * to balance, so no cursor, no random draw, no clock read and no scan, with or without a key.
 */
final class SoleEndpointPicker implements Picker {
    private final Endpoint only;

    SoleEndpointPicker(Endpoint only) {
        this.only = Objects.requireNonNull(only, "only");
    }

    @Override
    public Endpoint pick(RequestContext ctx) {
        return only;
    }

    @Override
    public Endpoint pick(RequestContext ctx, Tried tried) {
        return tried.contains(only) ? null : only;
    }

    @Override
    public String toString() {
        return "SoleEndpointPicker{" + only + "}";
    }
}
