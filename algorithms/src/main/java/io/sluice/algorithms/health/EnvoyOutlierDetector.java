package io.sluice.algorithms.health;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/** Envoy's ejection algorithm with consecutive-failure and latency rules; see {@link OutlierDetector}. */
final class EnvoyOutlierDetector implements OutlierDetector {

    /** The membership, replaced whole on every change and read without locking. */
    private record Members(List<String> order, Map<String, AtomicReference<HostState>> states) {
    }

    private final OutlierConfig config;
    private final Object membershipLock = new Object();
    private volatile Members members;
    /** Backends ejected now, or slots reserved for an ejection about to happen; never below the truth. */
    private final AtomicInteger activeEjections = new AtomicInteger();
    private final LongAdder[] ejectionsByReason = new LongAdder[EjectionReason.values().length];
    private final LongAdder suppressed = new LongAdder();
    private final LongAdder restorations = new LongAdder();

    EnvoyOutlierDetector(OutlierConfig config, Collection<String> backendIds, long nowNanos) {
        this.config = config;
        for (int i = 0; i < ejectionsByReason.length; i++) {
            ejectionsByReason[i] = new LongAdder();
        }
        this.members = new Members(List.of(), Map.of());
        setBackends(backendIds, nowNanos);
    }

    @Override
    public List<OutlierEvent> record(String backendId, RequestOutcome outcome, long latencyNanos, long nowNanos) {
        Objects.requireNonNull(outcome, "outcome");
        AtomicReference<HostState> ref = members.states().get(backendId);
        if (ref == null) {
            return List.of();
        }
        EjectionReason tripped;
        for (;;) {
            HostState s = ref.get();
            if (s.removed()) {
                return List.of();
            }
            tripped = s.trip(outcome, config);
            if (ref.compareAndSet(s, s.afterOutcome(outcome, latencyNanos, nowNanos, config, tripped))) {
                break;
            }
        }
        if (tripped == null) {
            return List.of();
        }
        OutlierEvent e = tryEject(backendId, ref, tripped, nowNanos);
        return e == null ? List.of() : List.of(e);
    }

    /**
     * Reserves a slot of the ejection budget, then marks the backend ejected; gives the slot back
     * if the backend was ejected or removed meanwhile. Returns the event, or null if nothing happened.
     */
    private OutlierEvent tryEject(String id, AtomicReference<HostState> ref, EjectionReason why, long nowNanos) {
        if (ref.get().ejected()) {
            return null;
        }
        int backends = members.order().size();
        for (;;) {
            int active = activeEjections.get();
            if (!admits(active, backends)) {
                suppressed.increment();
                return new OutlierEvent(OutlierEvent.Kind.SUPPRESSED, id, why, nowNanos, 0, 0);
            }
            if (activeEjections.compareAndSet(active, active + 1)) {
                break;
            }
        }
        for (;;) {
            HostState s = ref.get();
            if (s.ejected() || s.removed()) {
                activeEjections.decrementAndGet();
                return null;
            }
            HostState e = s.eject(nowNanos, why, config);
            if (ref.compareAndSet(s, e)) {
                ejectionsByReason[why.ordinal()].increment();
                return new OutlierEvent(OutlierEvent.Kind.EJECTED, id, why, nowNanos, e.ejectionNanos(), e.multiplier());
            }
        }
    }

    /**
     * Envoy's budget: eject if, counting this one, at most {@code percent}% are ejected, in exact
     * integer arithmetic ({@code 100 (a+1) <= p n}); or, with always-eject-one-host, if none is.
     */
    private boolean admits(int active, int backends) {
        if (backends == 0) {
            return false;
        }
        boolean withinPercent = 100L * (active + 1) <= (long) config.maxEjectionPercent() * backends;
        return withinPercent || config.alwaysEjectOneHost() && active == 0;
    }

    @Override
    public List<OutlierEvent> restoreDue(long nowNanos) {
        List<OutlierEvent> events = null;
        Members m = members;
        for (String id : m.order()) {
            AtomicReference<HostState> ref = m.states().get(id);
            for (;;) {
                HostState s = ref.get();
                if (s.removed() || !s.restoreDue(nowNanos)) {
                    break;
                }
                if (ref.compareAndSet(s, s.restore(nowNanos))) {
                    activeEjections.decrementAndGet();
                    restorations.increment();
                    if (events == null) {
                        events = new ArrayList<>();
                    }
                    events.add(new OutlierEvent(OutlierEvent.Kind.RESTORED, id, s.reason(), nowNanos, 0, 0));
                    break;
                }
            }
        }
        return events == null ? List.of() : events;
    }

    @Override
    public List<OutlierEvent> evaluate(long nowNanos) {
        List<OutlierEvent> events = new ArrayList<>(restoreDue(nowNanos));
        Members m = members;
        int n = m.order().size();
        // Close this interval's request window: read and reset each backend's count in one step.
        String[] judged = new String[n];
        double[] costs = new double[n];
        int count = 0;
        for (String id : m.order()) {
            HostState before = m.states().get(id).getAndUpdate(HostState::windowReset);
            if (!before.removed() && !before.ejected() && before.windowRequests() >= config.latencyMinimumRequests()) {
                judged[count] = id;
                costs[count] = before.costAt(nowNanos, config);
                count++;
            }
        }
        if (config.latencyFactor() > 0 && count > 0 && count >= config.latencyMinimumHosts()) {
            events.addAll(latencyEjections(m, judged, costs, count, nowNanos));
        }
        // Decay after ejecting, as Envoy does, so a backend ejected in this sweep keeps its multiplier.
        for (String id : m.order()) {
            m.states().get(id).updateAndGet(s -> s.decayed(nowNanos, config));
        }
        return events;
    }

    private List<OutlierEvent> latencyEjections(Members m, String[] judged, double[] costs, int count, long nowNanos) {
        double median = median(Arrays.copyOf(costs, count));
        if (!(median > 0)) {
            return List.of();
        }
        double threshold = config.latencyFactor() * median;
        List<Integer> outliers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (costs[i] > threshold) {
                outliers.add(i);
            }
        }
        // Worst first, so a short budget goes to the slowest; the sort is stable, so ties keep membership order.
        outliers.sort((a, b) -> Double.compare(costs[b], costs[a]));
        List<OutlierEvent> events = new ArrayList<>();
        for (int i : outliers) {
            OutlierEvent e = tryEject(judged[i], m.states().get(judged[i]), EjectionReason.LATENCY, nowNanos);
            if (e != null) {
                events.add(e);
            }
        }
        return events;
    }

    /** The median: the middle value, or the mean of the two middle values of an even count. Sorts its argument. */
    static double median(double[] values) {
        Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    @Override
    public void setBackends(Collection<String> backendIds, long nowNanos) {
        List<String> order = new ArrayList<>(backendIds.size());
        Set<String> seen = new LinkedHashSet<>();
        for (String id : backendIds) {
            Objects.requireNonNull(id, "backend id");
            if (!seen.add(id)) {
                throw new IllegalArgumentException("two backends have the id '" + id + "'");
            }
            order.add(id);
        }
        synchronized (membershipLock) {
            Members old = members;
            Map<String, AtomicReference<HostState>> states = new HashMap<>();
            for (String id : order) {
                AtomicReference<HostState> ref = old.states().get(id);
                states.put(id, ref != null ? ref : new AtomicReference<>(HostState.fresh(nowNanos)));
            }
            members = new Members(List.copyOf(order), Collections.unmodifiableMap(states));
            for (Map.Entry<String, AtomicReference<HostState>> e : old.states().entrySet()) {
                if (!states.containsKey(e.getKey())) {
                    retire(e.getValue());
                }
            }
        }
    }

    /** Marks a leaving backend removed; if it was ejected, its slot of the budget is freed exactly once. */
    private void retire(AtomicReference<HostState> ref) {
        for (;;) {
            HostState s = ref.get();
            if (s.removed()) {
                return;
            }
            if (ref.compareAndSet(s, s.asRemoved())) {
                if (s.ejected()) {
                    activeEjections.decrementAndGet();
                }
                return;
            }
        }
    }

    @Override
    public boolean isEjected(String backendId) {
        AtomicReference<HostState> ref = members.states().get(backendId);
        return ref != null && ref.get().ejected();
    }

    @Override
    public Set<String> ejected() {
        Members m = members;
        Set<String> out = new LinkedHashSet<>();
        for (String id : m.order()) {
            if (m.states().get(id).get().ejected()) {
                out.add(id);
            }
        }
        return Collections.unmodifiableSet(out);
    }

    @Override
    public Optional<Long> nextRestoreAtNanos() {
        Members m = members;
        Long earliest = null;
        for (String id : m.order()) {
            HostState s = m.states().get(id).get();
            if (s.ejected()) {
                long at = s.ejectedAt() + s.ejectionNanos();
                if (earliest == null || at - earliest < 0) {
                    earliest = at;
                }
            }
        }
        return Optional.ofNullable(earliest);
    }

    @Override
    public Optional<BackendStatus> status(String backendId, long nowNanos) {
        AtomicReference<HostState> ref = members.states().get(backendId);
        if (ref == null) {
            return Optional.empty();
        }
        HostState s = ref.get();
        return Optional.of(new BackendStatus(backendId, s.ejected(), s.reason(), s.ejectedAt(), s.ejectionNanos(),
                s.multiplier(), s.timesEjected(), s.consecutive5xx(), s.consecutiveGateway(), s.windowRequests(),
                s.costAt(nowNanos, config)));
    }

    @Override
    public OutlierStats stats() {
        Members m = members;
        int ejectedNow = 0;
        for (String id : m.order()) {
            if (m.states().get(id).get().ejected()) {
                ejectedNow++;
            }
        }
        return new OutlierStats(m.order().size(), ejectedNow,
                ejectionsByReason[EjectionReason.CONSECUTIVE_5XX.ordinal()].sum(),
                ejectionsByReason[EjectionReason.CONSECUTIVE_GATEWAY_FAILURE.ordinal()].sum(),
                ejectionsByReason[EjectionReason.LATENCY.ordinal()].sum(),
                suppressed.sum(), restorations.sum());
    }

    @Override
    public OutlierConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "OutlierDetector{ejected=" + ejected() + ", " + config + "}";
    }
}
