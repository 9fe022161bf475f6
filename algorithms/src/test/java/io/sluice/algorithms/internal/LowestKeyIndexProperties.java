package io.sluice.algorithms.internal;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.LoadSignals;
import io.sluice.algorithms.Tried;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The tournament tree behind least-connections and response-time-weighted, against brute force:
 * after any sequence of request starts and ends (delivered through the loads' listeners) its
 * answer is a leaf of the lowest key, with or without exclusions; ties are uniform; a retired tree
 * stops answering and lets go of the loads the new one does not have.
 */
class LowestKeyIndexProperties {
    private static BackendLoad[] loads(int n) {
        LoadSignals signals = LoadSignals.singleWriter(1_000_000_000L);
        BackendLoad[] loads = new BackendLoad[n];
        for (int i = 0; i < n; i++) {
            loads[i] = signals.newLoad(0);
        }
        return loads;
    }

    /** The least-connections key with weights 1..5. */
    private static LowestKeyIndex.Keys score(BackendLoad[] loads) {
        return i -> (Math.max(0, loads[i].inFlight()) + 1.0) / (1 + i % 5);
    }

    @Property(tries = 300)
    void answersALeafOfTheLowestKeyAfterAnyChanges(@ForAll @IntRange(min = 1, max = 70) int n, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        BackendLoad[] loads = loads(n);
        LowestKeyIndex.Keys keys = score(loads);
        LowestKeyIndex index = new LowestKeyIndex(new LowestKeyIndex.Owner(), loads, keys);
        assertThat(index.ready()).isTrue();
        for (int step = 0; step < 200; step++) {
            BackendLoad l = loads[random.nextInt(n)];
            if (l.inFlight() > 0 && random.nextBoolean()) {
                l.onRequestEnd(step, 1000, true);
            } else {
                l.onRequestStart();
            }
            double min = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                min = Math.min(min, keys.key(i));
            }
            int picked = index.lowest(random);
            assertThat(keys.key(picked)).isEqualTo(min);

            Tried tried = Tried.NONE;
            for (int i = 0; i < n; i++) {
                if (random.nextInt(4) == 0) {
                    tried = tried.with(loads[i]);
                }
            }
            double untriedMin = Double.POSITIVE_INFINITY;
            boolean any = false;
            for (int i = 0; i < n; i++) {
                if (!tried.contains(loads[i])) {
                    untriedMin = Math.min(untriedMin, keys.key(i));
                    any = true;
                }
            }
            int retry = index.lowest(random, tried);
            if (!any) {
                assertThat(retry).isEqualTo(-1);
            } else {
                assertThat(tried.contains(loads[retry])).isFalse();
                assertThat(keys.key(retry)).isEqualTo(untriedMin);
            }
        }
    }

    /**
     * Seven leaves, five of them tied at the lowest key (idle, weight 1), two busier: each tied
     * leaf gets 1/5 of 50,000 picks, 10,000 +- 5 sqrt(50000 * 0.2 * 0.8) = 447; the busy ones none.
     * Excluding two tied leaves, the other three share: 1/3 each of 30,000, 10,000 +- 408.
     */
    @Test
    void tiesAreUniformWithAndWithoutExclusions() {
        BackendLoad[] loads = loads(7);
        loads[1].onRequestStart();
        loads[4].onRequestStart();
        LowestKeyIndex index = new LowestKeyIndex(new LowestKeyIndex.Owner(), loads,
                i -> Math.max(0, loads[i].inFlight()) + 1.0);
        assertThat(index.ready()).isTrue();
        SplittableRandom random = new SplittableRandom(17);
        long[] counts = new long[7];
        for (int k = 0; k < 50_000; k++) {
            counts[index.lowest(random)]++;
        }
        assertThat(counts[1]).isZero();
        assertThat(counts[4]).isZero();
        for (int i : new int[] {0, 2, 3, 5, 6}) {
            assertThat((double) counts[i]).isCloseTo(10_000, within(5 * Math.sqrt(50_000 * 0.2 * 0.8)));
        }
        Tried tried = Tried.of(loads[0]).with(loads[6]);
        long[] retries = new long[7];
        for (int k = 0; k < 30_000; k++) {
            retries[index.lowest(random, tried)]++;
        }
        for (int i : new int[] {2, 3, 5}) {
            assertThat((double) retries[i]).isCloseTo(10_000, within(5 * Math.sqrt(30_000 / 3.0 * 2 / 3)));
        }
        assertThat(retries[0] + retries[6] + retries[1] + retries[4]).isZero();
    }

    /**
     * A second tree of the same owner takes the listener slots over at its first use: the first
     * retires (ready() says false, so its picker scans) and the loads only it had stop notifying it.
     */
    @Test
    void aNewTreeRetiresTheOldOneAndReleasesTheLoadsItDropped() {
        BackendLoad[] loads = loads(4);
        LowestKeyIndex.Owner owner = new LowestKeyIndex.Owner();
        LowestKeyIndex first = new LowestKeyIndex(owner, loads, score(loads));
        assertThat(first.ready()).isTrue();
        assertThat(loads[3].listener()).isNotNull();
        BackendLoad.Listener firsts = loads[0].listener();
        BackendLoad[] fewer = {loads[0], loads[1], loads[2]};
        LowestKeyIndex second = new LowestKeyIndex(owner, fewer, score(fewer));
        assertThat(loads[0].listener()).as("a tree listens only from its first use").isSameAs(firsts);
        assertThat(second.ready()).isTrue();
        assertThat(loads[0].listener()).isNotSameAs(firsts);
        assertThat(first.ready()).isFalse();
        assertThat(loads[3].listener()).isNull();
        assertThat(loads[0].listener()).isNotNull();
        // The second tree follows changes: make 0, 1 busy; 2 (weight 3) is the lowest.
        loads[0].onRequestStart();
        loads[1].onRequestStart();
        loads[1].onRequestStart();
        assertThat(second.lowest(new SplittableRandom(1))).isEqualTo(2);
    }
}
