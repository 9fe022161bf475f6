package io.sluice.algorithms.affinity;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AffinityTableTest {
    private static final long S = 1_000_000_000L;
    private static final Set<String> ALL = Set.of("b1", "b2", "b3");

    /** A chooser that always answers the same backend and counts its calls. */
    private static final class Fixed implements Function<String, String> {
        final String backend;
        int calls;

        Fixed(String backend) {
            this.backend = backend;
        }

        @Override
        public String apply(String key) {
            calls++;
            return backend;
        }
    }

    private static AffinityTable table(long ttlNanos, int max, int stripes) {
        return AffinityTable.create(AffinityConfig.builder().idleTtl(ttlNanos).maxEntries(max).stripes(stripes).build());
    }

    @Test
    void firstLookupIsAMissAndRemembersTheChoice() {
        AffinityTable t = table(10 * S, 10, 1);
        Fixed chooser = new Fixed("b1");
        assertThat(t.route("dev-1", 0, ALL, chooser)).isEqualTo("b1");
        assertThat(chooser.calls).isEqualTo(1);
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.stats().misses()).isEqualTo(1);
    }

    @Test
    void aHitAnswersTheRememberedBackendWithoutChoosing() {
        AffinityTable t = table(10 * S, 10, 1);
        t.route("dev-1", 0, ALL, new Fixed("b1"));
        Fixed other = new Fixed("b2");
        assertThat(t.route("dev-1", S, ALL, other)).isEqualTo("b1");
        assertThat(other.calls).isZero();
        assertThat(t.stats().hits()).isEqualTo(1);
    }

    @Test
    void lookupsRefreshTheIdleTimer() {
        AffinityTable t = table(10 * S, 10, 1);
        t.route("dev-1", 0, ALL, new Fixed("b1"));
        for (long now = 9 * S; now <= 45 * S; now += 9 * S) {
            assertThat(t.route("dev-1", now, ALL, new Fixed("b2"))).as("at %ds", now / S).isEqualTo("b1");
        }
        assertThat(t.stats().expirations()).isZero();
        assertThat(t.stats().hits()).isEqualTo(5);
    }

    @Test
    void aKeyIdleForTheTtlExpires() {
        AffinityTable t = table(10 * S, 10, 1);
        t.route("dev-1", 0, ALL, new Fixed("b1"));
        assertThat(t.route("dev-1", 10 * S - 1, ALL, new Fixed("b2"))).as("one ns before the TTL").isEqualTo("b1");

        t.route("dev-2", 0, ALL, new Fixed("b1"));
        Fixed chooser = new Fixed("b2");
        assertThat(t.route("dev-2", 10 * S, ALL, chooser)).as("exactly at the TTL").isEqualTo("b2");
        assertThat(chooser.calls).isEqualTo(1);
        assertThat(t.stats().expirations()).isEqualTo(1);
        assertThat(t.stats().misses()).isEqualTo(3);
    }

    @Test
    void purgeDropsOnlyIdleKeys() {
        AffinityTable t = table(10 * S, 100, 4);
        for (int i = 0; i < 20; i++) {
            t.route("old-" + i, 0, ALL, new Fixed("b1"));
        }
        for (int i = 0; i < 5; i++) {
            t.route("new-" + i, 5 * S, ALL, new Fixed("b1"));
        }
        assertThat(t.purgeExpired(12 * S)).isEqualTo(20);
        assertThat(t.size()).isEqualTo(5);
        assertThat(t.stats().expirations()).isEqualTo(20);
    }

    @Test
    void withOneStripeTheLeastRecentlyUsedKeyIsEvicted() {
        AffinityTable t = table(100 * S, 3, 1);
        t.route("a", 1, ALL, new Fixed("b1"));
        t.route("b", 2, ALL, new Fixed("b1"));
        t.route("c", 3, ALL, new Fixed("b1"));
        t.route("a", 4, ALL, new Fixed("b1"));
        t.route("d", 5, ALL, new Fixed("b1"));
        assertThat(t.size()).isEqualTo(3);
        assertThat(t.stats().evictions()).isEqualTo(1);
        Fixed chooser = new Fixed("b2");
        assertThat(t.route("b", 6, ALL, chooser)).as("b was least recently used").isEqualTo("b2");
        assertThat(t.route("a", 7, ALL, chooser)).isEqualTo("b1");
        assertThat(t.route("d", 8, ALL, chooser)).isEqualTo("b1");
    }

    @Test
    void expiredKeysGoBeforeAnyLiveKeyIsEvicted() {
        AffinityTable t = table(10 * S, 2, 1);
        t.route("a", 0, ALL, new Fixed("b1"));
        t.route("b", 8 * S, ALL, new Fixed("b1"));
        t.route("c", 12 * S, ALL, new Fixed("b1"));
        assertThat(t.stats().expirations()).isEqualTo(1);
        assertThat(t.stats().evictions()).isZero();
        assertThat(t.route("b", 13 * S, ALL, new Fixed("b2"))).isEqualTo("b1");
    }

    @Test
    void theSizeBoundHoldsWithManyStripes() {
        AffinityTable t = table(100 * S, 100, 16);
        for (int i = 0; i < 1_000; i++) {
            t.route("dev-" + i, i, ALL, new Fixed("b1"));
            assertThat(t.size()).isLessThanOrEqualTo(100);
        }
        AffinityTable.AffinityStats s = t.stats();
        assertThat(s.evictions()).isEqualTo(1_000 - s.size());
        assertThat(s.size()).isGreaterThan(50);
    }

    @Test
    void maxEntriesBelowTheStripeCountShrinksTheStripes() {
        AffinityConfig c = AffinityConfig.builder().maxEntries(3).stripes(16).build();
        assertThat(c.stripes()).isEqualTo(3);
        AffinityTable t = AffinityTable.create(c);
        for (int i = 0; i < 10; i++) {
            t.route("k" + i, i, ALL, new Fixed("b1"));
        }
        assertThat(t.size()).isLessThanOrEqualTo(3);
    }

    @Test
    void aSingleEntryTableKeepsTheLastKey() {
        AffinityTable t = table(100 * S, 1, 1);
        t.route("a", 0, ALL, new Fixed("b1"));
        t.route("b", 1, ALL, new Fixed("b2"));
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.route("b", 2, ALL, new Fixed("b3"))).isEqualTo("b2");
    }

    @Test
    void aKeyMovesWhenItsBackendIsUnhealthy() {
        AffinityTable t = table(100 * S, 10, 1);
        t.route("dev-1", 0, ALL, new Fixed("b1"));
        assertThat(t.route("dev-1", 1, Set.of("b2", "b3"), new Fixed("b2"))).isEqualTo("b2");
        assertThat(t.stats().moves()).isEqualTo(1);
        // The key now lives on b2 and stays there when b1 recovers.
        assertThat(t.route("dev-1", 2, ALL, new Fixed("b1"))).isEqualTo("b2");
        assertThat(t.stats().moves()).isEqualTo(1);
    }

    @Test
    void aKeyMovesWhenItsBackendIsGone() {
        AffinityTable t = table(100 * S, 10, 1);
        t.route("dev-1", 0, ALL, new Fixed("b3"));
        Set<String> withoutB3 = Set.of("b1", "b2", "b4");
        assertThat(t.route("dev-1", 1, withoutB3, new Fixed("b4"))).isEqualTo("b4");
        assertThat(t.stats().moves()).isEqualTo(1);
        assertThat(t.stats().hits()).isZero();
    }

    @Test
    void withNothingAvailableTheAnswerIsNullAndTheKeyWaitsForItsBackend() {
        AffinityTable t = table(100 * S, 10, 1);
        t.route("dev-1", 0, ALL, new Fixed("b1"));
        assertThat(t.route("dev-1", 1, Set.of(), k -> null)).isNull();
        assertThat(t.stats().moves()).isZero();
        assertThat(t.route("dev-1", 2, ALL, new Fixed("b2"))).isEqualTo("b1");
    }

    @Test
    void aChooserInsistingOnTheRememberedBackendIsAHit() {
        AffinityTable t = table(100 * S, 10, 1);
        t.route("dev-1", 0, ALL, new Fixed("b1"));
        assertThat(t.route("dev-1", 1, id -> false, new Fixed("b1"))).isEqualTo("b1");
        assertThat(t.stats().moves()).isZero();
        assertThat(t.stats().hits()).isEqualTo(1);
    }

    @Test
    void aMissWithNothingToChooseRemembersNothing() {
        AffinityTable t = table(100 * S, 10, 1);
        assertThat(t.route("dev-1", 0, Set.of(), k -> null)).isNull();
        assertThat(t.size()).isZero();
        assertThat(t.stats().misses()).isEqualTo(1);
    }

    @Test
    void removeForgetsAKey() {
        AffinityTable t = table(100 * S, 10, 1);
        t.route("dev-1", 0, ALL, new Fixed("b1"));
        assertThat(t.remove("dev-1")).isTrue();
        assertThat(t.remove("dev-1")).isFalse();
        assertThat(t.route("dev-1", 1, ALL, new Fixed("b2"))).isEqualTo("b2");
    }

    @Test
    void everyLookupCountsExactlyOnce() {
        AffinityTable t = table(5 * S, 4, 2);
        int lookups = 0;
        for (int i = 0; i < 200; i++) {
            String key = "k" + (i % 7);
            Set<String> available = i % 5 == 0 ? Set.of("b2") : ALL;
            t.route(key, i * S / 3, available, new Fixed(i % 11 == 0 ? null : "b2"));
            lookups++;
        }
        assertThat(t.stats().lookups()).isEqualTo(lookups);
    }

    @Test
    void singleThreadedUseIsDeterministic() {
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        for (List<String> out : List.of(first, second)) {
            AffinityTable t = table(3 * S, 20, 4);
            for (int i = 0; i < 500; i++) {
                int step = i;
                out.add(t.route("k" + (i * 7 % 61), i * S / 10, id -> !id.equals("b" + (step % 4)),
                        k -> "b" + (k.hashCode() + step) % 4));
            }
            out.add(t.stats().toString());
        }
        assertThat(second).isEqualTo(first);
    }

    @Test
    void rejectsBadSettingsNamingTheValueAndRange() {
        assertThatThrownBy(() -> AffinityConfig.builder().idleTtl(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idle-ttl: 0ns is out of range; a duration from 1ms to 168h");
        assertThatThrownBy(() -> AffinityConfig.builder().maxEntries(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max-entries: 0 is out of range; a whole number from 1 to 100000000");
        assertThatThrownBy(() -> AffinityConfig.builder().stripes(5000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stripes: 5000 is out of range; a whole number from 1 to 4096");
    }

    /**
     * Four threads route the same 500 new keys at once, each proposing its own backend. The stripe
     * lock covers the choice, so each key ends up with exactly one backend that every thread saw.
     */
    @Test
    void racingFirstRequestsOfAKeyAgreeOnItsBackend() throws Exception {
        AffinityTable t = table(100 * S, 10_000, 16);
        Map<String, Set<String>> seen = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger lookups = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int th = 0; th < 4; th++) {
            String mine = "b" + th;
            futures.add(pool.submit(() -> {
                start.await();
                for (int round = 0; round < 5; round++) {
                    for (int k = 0; k < 500; k++) {
                        String key = "dev-" + k;
                        String b = t.route(key, round, id -> true, x -> mine);
                        seen.computeIfAbsent(key, x -> ConcurrentHashMap.newKeySet()).add(b);
                        lookups.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(seen).hasSize(500);
        assertThat(seen.values()).allSatisfy(s -> assertThat(s).hasSize(1));
        AffinityTable.AffinityStats s = t.stats();
        assertThat(s.misses()).isEqualTo(500);
        assertThat(s.lookups()).isEqualTo(lookups.get());
        assertThat(s.size()).isEqualTo(500);
    }
}
