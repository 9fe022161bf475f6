package io.sluice.algorithms;

import java.util.Arrays;
import java.util.Objects;

/**
 * The backends one request has already been sent to, which a retry must avoid: the argument of
 * {@link Picker#pick(RequestContext, Tried)}. Immutable; {@link #with} returns a larger set.
 *
 * <p>A backend is identified by its {@link BackendLoad}, which is unique to one membership in one
 * load balancer and outlives picker rebuilds and weight changes: a retry that lands on a newer
 * snapshot (the failure often triggers one, through health checks or outlier ejection) still
 * excludes what the first attempt used. A backend that left and came back is a new member and is
 * not excluded. (Indices into one snapshot would not survive the rebuild.)
 *
 * <p>Requests are tried a handful of times at most, so the set is a short array searched
 * linearly: a lookup is a few reference comparisons and costs nothing when the set is empty.
 */
public final class Tried {
    /** Nothing tried yet: a first attempt. */
    public static final Tried NONE = new Tried(new BackendLoad[0]);

    private final BackendLoad[] loads;

    private Tried(BackendLoad[] loads) {
        this.loads = loads;
    }

    /** The set holding {@code endpoint}'s backend. */
    public static Tried of(Endpoint endpoint) {
        return NONE.with(endpoint);
    }

    /** The set holding the backend of {@code load}. */
    public static Tried of(BackendLoad load) {
        return NONE.with(load);
    }

    /** This set and {@code endpoint}'s backend. */
    public Tried with(Endpoint endpoint) {
        return with(Objects.requireNonNull(endpoint, "endpoint").load());
    }

    /** This set and the backend of {@code load}. */
    public Tried with(BackendLoad load) {
        Objects.requireNonNull(load, "load");
        if (contains(load)) {
            return this;
        }
        BackendLoad[] more = Arrays.copyOf(loads, loads.length + 1);
        more[loads.length] = load;
        return new Tried(more);
    }

    /** Whether {@code endpoint}'s backend was tried; false for null. */
    public boolean contains(Endpoint endpoint) {
        return endpoint != null && contains(endpoint.load());
    }

    /** Whether the backend of {@code load} was tried. */
    public boolean contains(BackendLoad load) {
        for (BackendLoad l : loads) {
            if (l == load) {
                return true;
            }
        }
        return false;
    }

    /** The load of the {@code i}-th backend tried, {@code 0 <= i < size()}. */
    public BackendLoad load(int i) {
        return loads[i];
    }

    public boolean isEmpty() {
        return loads.length == 0;
    }

    /** Backends tried. */
    public int size() {
        return loads.length;
    }

    @Override
    public String toString() {
        return "Tried{" + loads.length + "}";
    }
}
