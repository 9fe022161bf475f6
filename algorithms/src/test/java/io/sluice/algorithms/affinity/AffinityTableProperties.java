package io.sluice.algorithms.affinity;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AffinityTableProperties {
    private static final long S = 1_000_000_000L;

    /** kind 0: route key; kind 1: a backend leaves; kind 2: a new backend joins; kind 3: one goes unhealthy or back. */
    record Op(int kind, int arg) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.frequency(
                        net.jqwik.api.Tuple.of(8, 0), net.jqwik.api.Tuple.of(1, 1),
                        net.jqwik.api.Tuple.of(1, 2), net.jqwik.api.Tuple.of(1, 3)),
                Arbitraries.integers().between(0, 1_000)).as(Op::new);
        return op.list().ofMaxSize(300);
    }

    /**
     * Keys whose backend stays available never move, whatever else joins, leaves or fails. The
     * chooser is deliberately unstable (it depends on a version bumped by every membership change),
     * so any stickiness comes from the table. Every move is a key whose backend was unavailable.
     */
    @Property(tries = 300)
    void keysWhoseBackendStaysAvailableNeverMove(@ForAll @IntRange(min = 1, max = 8) int initialBackends,
                                                 @ForAll @IntRange(min = 1, max = 40) int keys,
                                                 @ForAll("ops") List<Op> ops) {
        AffinityTable t = AffinityTable.create(AffinityConfig.builder().idleTtl(7 * 86_400 * S)
                .maxEntries(1_000).stripes(4).build());
        Set<String> members = new LinkedHashSet<>();
        for (int i = 0; i < initialBackends; i++) {
            members.add("b" + i);
        }
        Set<String> unhealthy = new LinkedHashSet<>();
        int[] version = {0};
        int nextId = initialBackends;
        Map<String, String> last = new HashMap<>();
        long expectedMoves = 0;
        long now = 0;
        for (Op op : ops) {
            now += S;
            switch (op.kind()) {
                case 1 -> {
                    if (!members.isEmpty()) {
                        members.remove(new ArrayList<>(members).get(op.arg() % members.size()));
                        version[0]++;
                    }
                }
                case 2 -> {
                    members.add("b" + nextId++);
                    version[0]++;
                }
                case 3 -> {
                    if (!members.isEmpty()) {
                        String b = new ArrayList<>(members).get(op.arg() % members.size());
                        if (!unhealthy.remove(b)) {
                            unhealthy.add(b);
                        }
                    }
                }
                default -> {
                    String key = "k" + op.arg() % keys;
                    List<String> available = new ArrayList<>();
                    for (String m : members) {
                        if (!unhealthy.contains(m)) {
                            available.add(m);
                        }
                    }
                    String before = last.get(key);
                    String got = t.route(key, now, available::contains,
                            k -> available.isEmpty() ? null
                                    : available.get(Math.floorMod(k.hashCode() + version[0], available.size())));
                    if (before != null && available.contains(before)) {
                        assertThat(got).as("key %s stayed available on %s", key, before).isEqualTo(before);
                    }
                    if (before != null && !available.contains(before) && got != null && !got.equals(before)) {
                        expectedMoves++;
                    }
                    if (got != null) {
                        assertThat(available).contains(got);
                        last.put(key, got);
                    }
                }
            }
        }
        assertThat(t.stats().moves()).isEqualTo(expectedMoves);
        assertThat(t.stats().evictions()).isZero();
    }

    /** However keys arrive and time passes, the table never holds more than max-entries keys. */
    @Property(tries = 200)
    void sizeNeverExceedsTheBound(@ForAll @IntRange(min = 1, max = 50) int max,
                                  @ForAll @IntRange(min = 1, max = 16) int stripes,
                                  @ForAll("ops") List<Op> ops) {
        AffinityTable t = AffinityTable.create(AffinityConfig.builder().idleTtl(20 * S).maxEntries(max)
                .stripes(stripes).build());
        long now = 0;
        for (Op op : ops) {
            now += op.kind() * S;
            t.route("k" + op.arg(), now, id -> true, k -> "b" + k.length());
            assertThat(t.size()).isLessThanOrEqualTo(max);
        }
    }
}
