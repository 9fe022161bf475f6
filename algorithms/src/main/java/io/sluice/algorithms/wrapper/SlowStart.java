package io.sluice.algorithms.wrapper;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.Tried;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Envoy's slow start: a backend that just became healthy gets a share of traffic that grows over
 * a window instead of its full share at once, so caches, JITs and connection pools warm up first.
 *
 * <h2>The formula</h2>
 * For a {@link io.sluice.algorithms.HealthState#HEALTHY} endpoint that has been healthy for
 * {@code t} (now minus {@link Endpoint#healthySinceNanos()}), with window {@code W}:
 * <pre>
 *   t &gt;= W:  weight unchanged (not ramping)
 *   t &lt;  W:  weight * max(minWeightPercent / 100, timeFactor ^ (1 / aggression))
 *            timeFactor = max(t, floor) / W,   floor = min(1 s, W / 30)
 * </pre>
 * In words: the fraction of its weight a new backend gets is the fraction of the window it has
 * lived through, bent by the aggression (above 1 ramps faster early, below 1 slower), never less
 * than the minimum percentage. This is Envoy's rule
 * ({@code NewWeight = Weight * max(MinWeightPercent, TimeFactor^(1/Aggression))},
 * {@code TimeFactor = max(TimeSinceStartInSeconds, 1) / SlowStartWindowInSeconds}, from its
 * "Slow start mode" architecture page), except for the floor: Envoy's is one second, which would
 * leave no ramp at all for windows of a second or less, so ours is one second for windows of 30 s
 * or more and W/30 below that, keeping the ramp's starting point at 1/30 of the window.
 *
 * <p>Worked example, W = 30 s, aggression 1, min 10 %: t = 0 gives max(0.1, 1/30) = 0.1 of the
 * weight; t = 15 s gives 0.5; t = 30 s the full weight. With one ramping backend beside one
 * established backend of equal weight its share of traffic is 0.1/1.1 = 9 %, then 0.5/1.5 = 33 %,
 * then 50 %. With aggression 2 at t = 7.5 s: sqrt(0.25) = 0.5.
 *
 * <h2>Rebuilding as time passes</h2>
 * Pickers are immutable snapshots but these weights change with time, so while anything ramps the
 * picker this wrapper returns rebuilds its inner picker itself, lazily: each pick compares the
 * clock with a deadline (one volatile read, one clock read); the one thread whose CAS moves the
 * deadline {@code max(W/20, 1 ns)} ahead rebuilds (O(n), at most 20-odd times per window) while the
 * others keep picking from the previous inner picker. Once nothing ramps the deadline becomes
 * "never" and a pick costs one volatile read more than the inner picker's. When nothing ramps at
 * build time the inner picker is returned unwrapped.
 *
 * <p>The picker and its deadline are one immutable pair, claimed and published by CAS: a rebuild
 * publishes only if no later rebuild has claimed the pair since it began. Otherwise a rebuild slower
 * than a step (a big Maglev table, a 1 ms window) could publish its older weights after a later
 * rebuild had ended the ramp, and with the deadline already "never" they would stay for good.
 *
 * <p>Thread safety: {@link #newPicker} may be called from any thread; the returned picker is
 * lock-free and safe from many threads. The rebuild runs the inner strategy's
 * {@link Strategy#newPicker} on a picking thread; if that throws, the previous picker stays.
 */
final class SlowStart implements Strategy {
    private static final long ONE_SECOND = 1_000_000_000L;
    private static final long NEVER = Long.MIN_VALUE;

    private final Strategy inner;
    private final Environment env;
    private final long windowNanos;
    private final double aggression;
    private final double minFraction;
    private final long rebuildStepNanos;

    SlowStart(Strategy inner, Environment env, long windowNanos, double aggression, double minWeightPercent) {
        if (windowNanos <= 0) {
            throw new IllegalArgumentException("slow-start window must be > 0, got " + windowNanos + " ns");
        }
        if (!(aggression > 0) || Double.isInfinite(aggression)) {
            throw new IllegalArgumentException("slow-start aggression must be a finite number > 0, got " + aggression);
        }
        if (!(minWeightPercent >= 0 && minWeightPercent <= 100)) {
            throw new IllegalArgumentException("slow-start min-weight-percent must be in [0, 100], got "
                    + minWeightPercent);
        }
        this.inner = inner;
        this.env = env;
        this.windowNanos = windowNanos;
        this.aggression = aggression;
        this.minFraction = minWeightPercent / 100.0;
        this.rebuildStepNanos = Math.max(1, windowNanos / 20);
    }

    @Override
    public String name() {
        return inner.name() + "+" + SlowStartWrapperProvider.NAME;
    }

    @Override
    public Picker newPicker(EndpointSet endpoints) {
        long now = env.nanoTime();
        EndpointSet scaled = scale(endpoints, now);
        if (scaled == null) {
            return inner.newPicker(endpoints);
        }
        return new RampingPicker(endpoints, inner.newPicker(scaled), now + rebuildStepNanos);
    }

    /**
     * The fraction of its weight an endpoint healthy for {@code elapsedNanos} gets, in (0, 1].
     * Negative elapsed time (healthy "since" a moment ahead of the clock) counts as zero.
     */
    static double weightFactor(long elapsedNanos, long windowNanos, double aggression, double minFraction) {
        if (elapsedNanos >= windowNanos) {
            return 1.0;
        }
        long floor = Math.max(1, Math.min(ONE_SECOND, windowNanos / 30));
        double timeFactor = (double) Math.max(elapsedNanos, floor) / windowNanos;
        return Math.min(1.0, Math.max(minFraction, Math.pow(timeFactor, 1.0 / aggression)));
    }

    /** {@code now - since}, saturated instead of wrapping when the two are far apart. */
    static long elapsed(long nowNanos, long sinceNanos) {
        long t = nowNanos - sinceNanos;
        if (((nowNanos ^ sinceNanos) & (nowNanos ^ t)) < 0) {
            return sinceNanos < nowNanos ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return t;
    }

    /** The set with ramping weights applied, or null when no healthy endpoint is ramping. */
    EndpointSet scale(EndpointSet endpoints, long now) {
        Map<Endpoint, Endpoint> changed = null;
        for (Endpoint e : endpoints.all()) {
            if (!e.health().available()) {
                continue; // only healthy endpoints ramp; panic mode may still use the rest at full weight
            }
            long t = elapsed(now, e.healthySinceNanos());
            if (t >= windowNanos) {
                continue;
            }
            double w = e.weight() * weightFactor(t, windowNanos, aggression, minFraction);
            if (!(w > 0)) {
                w = Double.MIN_NORMAL; // a tiny weight times a tiny factor underflowed; keep it > 0
            }
            if (changed == null) {
                changed = new IdentityHashMap<>();
            }
            changed.put(e, e.withWeight(w));
        }
        if (changed == null) {
            return null;
        }
        return EndpointSet.of(replace(endpoints.all(), changed), replace(endpoints.available(), changed));
    }

    private static List<Endpoint> replace(List<Endpoint> list, Map<Endpoint, Endpoint> changed) {
        List<Endpoint> out = new ArrayList<>(list.size());
        for (Endpoint e : list) {
            out.add(changed.getOrDefault(e, e));
        }
        return out;
    }

    /** Rebuilds its inner picker as weights ramp; see the class comment. */
    private final class RampingPicker implements Picker {
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(RampingPicker.class, "state", Published.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** The inner picker in use and when to rebuild it next ({@link #NEVER} once nothing ramps). */
        private record Published(Picker picker, long deadline) {
        }

        private final EndpointSet base;
        @SuppressWarnings("unused") // CAS through STATE
        private volatile Published state;

        RampingPicker(EndpointSet base, Picker first, long deadline) {
            this.base = base;
            this.state = new Published(first, deadline);
        }

        @Override
        public Endpoint pick(RequestContext ctx) {
            return current().pick(ctx);
        }

        @Override
        public Endpoint pick(RequestContext ctx, Tried tried) {
            return current().pick(ctx, tried);
        }

        /** The inner picker to use now, rebuilt first when its deadline has passed. */
        private Picker current() {
            Published s = state;
            if (s.deadline() != NEVER) {
                long now = env.nanoTime();
                if (now - s.deadline() >= 0) {
                    Published claimed = new Published(s.picker(), now + rebuildStepNanos);
                    if (STATE.compareAndSet(this, s, claimed)) {
                        rebuild(claimed, now);
                    }
                    s = state;
                }
            }
            return s.picker();
        }

        /** Publishes the picker for {@code now} unless a later rebuild claimed the state meanwhile. */
        private void rebuild(Published claimed, long now) {
            try {
                EndpointSet scaled = scale(base, now);
                Picker next = inner.newPicker(scaled == null ? base : scaled);
                STATE.compareAndSet(this, claimed, new Published(next, scaled == null ? NEVER : claimed.deadline()));
            } catch (RuntimeException e) {
                // The inner strategy failed to build; a pick must not throw, so keep the last picker.
            }
        }

        @Override
        public String toString() {
            return "SlowStartPicker{" + state.picker() + "}";
        }
    }
}
