package io.sluice.algorithms.wrapper;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.Strategy;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps traffic in the local zone while that zone is healthy enough, to save cross-zone latency
 * and transfer cost.
 *
 * <p>Rule, decided at every picker build (pickers are rebuilt on every health change): let L be
 * the members whose {@link io.sluice.algorithms.Backend#zone()} is the local zone and A the
 * available ones among them. If |A| &gt; 0 and {@code |A| * 100 >= minHealthyPercent * |L|}, the
 * inner strategy balances over A only (its endpoint set is L with A available). Otherwise it
 * balances over every available member, local or not. Worked example, 70 %: a local zone of 10
 * with 7 available stays local (700 &gt;= 700); with 6 it spills (600 &lt; 700).
 *
 * <p>This is an all-or-nothing switch, not Envoy's proportional zone-aware routing (which sends a
 * computed share across zones based on the sizes of the local and upstream clusters): a proxy here
 * does not know how many sibling proxies sit in each zone, which that computation needs. A local
 * zone with no members at all, or none available (even at 0 %), spills.
 *
 * <p>Thread safety: stateless; the picker is the inner strategy's own.
 */
final class ZonePreference implements Strategy {
    private final Strategy inner;
    private final String localZone;
    private final double minHealthyPercent;

    ZonePreference(Strategy inner, String localZone, double minHealthyPercent) {
        if (localZone == null || localZone.isBlank()) {
            throw new IllegalArgumentException("zone-preference local-zone must be a non-empty zone name, got '"
                    + localZone + "'");
        }
        if (!(minHealthyPercent >= 0 && minHealthyPercent <= 100)) {
            throw new IllegalArgumentException("zone-preference min-healthy-percent must be in [0, 100], got "
                    + minHealthyPercent);
        }
        this.inner = inner;
        this.localZone = localZone;
        this.minHealthyPercent = minHealthyPercent;
    }

    @Override
    public String name() {
        return inner.name() + "+" + ZonePreferenceWrapperProvider.NAME;
    }

    @Override
    public Picker newPicker(EndpointSet endpoints) {
        EndpointSet local = localSubset(endpoints);
        return inner.newPicker(local != null ? local : endpoints);
    }

    /** The local zone's subset when routing should stay local, else null (spill to all). */
    EndpointSet localSubset(EndpointSet endpoints) {
        List<Endpoint> members = new ArrayList<>();
        for (Endpoint e : endpoints.all()) {
            if (localZone.equals(e.backend().zone())) {
                members.add(e);
            }
        }
        List<Endpoint> available = new ArrayList<>();
        for (Endpoint e : endpoints.available()) {
            if (localZone.equals(e.backend().zone())) {
                available.add(e);
            }
        }
        if (available.isEmpty() || available.size() * 100.0 < minHealthyPercent * members.size()) {
            return null;
        }
        return EndpointSet.of(members, available);
    }
}
