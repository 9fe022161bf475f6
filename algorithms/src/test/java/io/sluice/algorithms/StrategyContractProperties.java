package io.sluice.algorithms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The contract every registered strategy keeps, whatever its algorithm: checked over random backend
 * sets, weights, health states and keys. New strategies (including custom SPI ones on the test class
 * path) are covered automatically because the strategy names come from the registry; the
 * two-choices strategies are also checked with {@code sampling: uniform}.
 */
class StrategyContractProperties {
    private static final StrategyRegistry REGISTRY = StrategyRegistry.standard();

    /** Every registered strategy with its defaults, and each strategy that samples also sampling uniformly. */
    static List<StrategySpec> specs() {
        List<StrategySpec> specs = new ArrayList<>();
        for (StrategyProvider p : REGISTRY.strategies()) {
            specs.add(StrategySpec.of(p.name()));
            if (p.parameters().stream().anyMatch(ps -> ps.name().equals("sampling"))) {
                specs.add(StrategySpec.of(p.name(), Map.of("sampling", "uniform")));
            }
        }
        return specs;
    }

    @Provide
    Arbitrary<String> strategies() {
        return Arbitraries.of(REGISTRY.strategyNames());
    }

    @Provide
    Arbitrary<StrategySpec> specsWithVariants() {
        return Arbitraries.of(specs());
    }

    /** Whether {@code name} is one of the module's own strategies (every one of them answers retries natively). */
    private static boolean builtIn(String name) {
        String pkg = REGISTRY.strategy(name).getClass().getPackageName();
        return pkg.startsWith("io.sluice.algorithms.") && !pkg.endsWith(".custom");
    }

    /**
     * A retry's pick, straight from the picker (no fallback around it): never a tried backend, never
     * an unavailable one, and, for every built-in strategy, null only when every available backend
     * was tried (a custom strategy without a native exclusion pick may answer null, and the
     * snapshot's fallback answers instead). Tried sets are random subsets of the members
     * (unavailable ones included), up to all of them.
     */
    @Property(tries = 400)
    void exclusionPickAvoidsTriedBackendsAndAnswersWhileAnyIsLeft(@ForAll("specsWithVariants") StrategySpec spec,
                                                                 @ForAll @IntRange(min = 1, max = 30) int size,
                                                                 @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Environment env = environment(seed);
        LoadBalancer lb = LoadBalancer.create(REGISTRY.create(spec, env), env);
        lb.setBackends(backends(size, random));
        for (int i = 0; i < size; i++) {
            if (random.nextInt(4) == 0) {
                lb.setHealth("b" + i, HealthState.EJECTED);
            }
        }
        LoadBalancer.Snapshot snapshot = lb.snapshot();
        Picker picker = snapshot.picker();
        for (int round = 0; round < 40; round++) {
            Tried tried = Tried.NONE;
            int triedCount = random.nextInt(size + 1);
            for (Endpoint e : snapshot.endpoints().all()) {
                if (random.nextInt(size) < triedCount) {
                    tried = tried.with(e);
                }
            }
            Set<String> untried = new HashSet<>();
            for (Endpoint e : snapshot.endpoints().available()) {
                if (!tried.contains(e)) {
                    untried.add(e.id());
                }
            }
            for (int k = 0; k < 5; k++) {
                RequestContext ctx = context(random);
                Endpoint picked = picker.pick(ctx, tried);
                if (untried.isEmpty()) {
                    assertThat(picked).as("%s: every available backend tried", spec).isNull();
                } else if (picked != null || builtIn(spec.name())) {
                    assertThat(picked).as("%s with %d untried", spec, untried.size()).isNotNull();
                    assertThat(untried).as("%s", spec).contains(picked.id());
                    picked.load().onRequestStart();
                    picked.load().onRequestEnd(env.nanoTime(), 1_000_000L * (1 + random.nextInt(20)), random.nextBoolean());
                }
                // Through the snapshot, with its fallback: the same promise.
                Endpoint viaSnapshot = snapshot.pick(ctx, tried);
                assertThat(viaSnapshot == null).isEqualTo(untried.isEmpty());
                if (viaSnapshot != null) {
                    assertThat(untried).contains(viaSnapshot.id());
                }
            }
        }
    }

    /** With nothing tried a retry's pick is an ordinary pick: available, never null while any is. */
    @Property(tries = 100)
    void exclusionPickWithNothingTriedIsAPick(@ForAll("specsWithVariants") StrategySpec spec,
                                              @ForAll @IntRange(min = 1, max = 20) int size, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Environment env = environment(seed);
        LoadBalancer lb = LoadBalancer.create(REGISTRY.create(spec, env), env);
        lb.setBackends(backends(size, random));
        for (int i = 0; i < 50; i++) {
            Endpoint picked = lb.pick(context(random), Tried.NONE);
            assertThat(picked).as("%s", spec).isNotNull();
            assertThat(picked.health().available()).isTrue();
        }
    }

    /**
     * Hashing strategies place a retry by the key too: the same key and the same tried set give
     * the same backend every time, on every proxy.
     */
    @Property(tries = 100)
    void hashingRetriesAreStablePerKey(@ForAll("hashing") String name, @ForAll @IntRange(min = 2, max = 30) int size,
                                       @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Environment env = environment(seed);
        LoadBalancer lb = LoadBalancer.create(REGISTRY.create(name, env), env);
        lb.setBackends(backends(size, random));
        for (int k = 0; k < 30; k++) {
            RequestContext ctx = RequestContext.ofKey("device-" + random.nextInt(1000));
            Endpoint first = lb.pick(ctx);
            Tried tried = Tried.of(first);
            Endpoint retry = lb.pick(ctx, tried);
            assertThat(retry.id()).as("%s", name).isNotEqualTo(first.id());
            for (int again = 0; again < 3; again++) {
                assertThat(lb.pick(ctx, tried).id()).as("%s", name).isEqualTo(retry.id());
            }
        }
    }

    @Provide
    Arbitrary<String> hashing() {
        return Arbitraries.of("ring-hash", "maglev", "rendezvous", "jump-hash");
    }

    /** A seeded virtual environment whose clock advances 1 ms per reading, so time-based logic moves. */
    private static Environment environment(long seed) {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        return Environment.virtual(() -> now.addAndGet(1_000_000L), seed);
    }

    private static List<Backend> backends(int n, SplittableRandom random) {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(Backend.of("b" + i, "10.0.0." + i + ":8080", 1 + random.nextInt(20)));
        }
        return list;
    }

    private static RequestContext context(SplittableRandom random) {
        return random.nextInt(4) == 0 ? RequestContext.NONE : RequestContext.ofKey("device-" + random.nextInt(500));
    }

    @Property(tries = 300)
    void picksOnlyAvailableMembers(@ForAll("strategies") String name, @ForAll @IntRange(min = 1, max = 40) int size,
                                   @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Environment env = environment(seed);
        LoadBalancer lb = LoadBalancer.create(REGISTRY.create(name, env), env);
        lb.setBackends(backends(size, random));
        HealthState[] states = HealthState.values();
        for (int i = 0; i < size; i++) {
            if (random.nextInt(3) == 0) {
                lb.setHealth("b" + i, states[1 + random.nextInt(states.length - 1)]);
            }
        }
        Set<String> available = new HashSet<>();
        lb.endpoints().available().forEach(e -> available.add(e.id()));

        for (int i = 0; i < 200; i++) {
            Endpoint picked = lb.pick(context(random));
            if (available.isEmpty()) {
                assertThat(picked).as("%s with nothing available", name).isNull();
            } else {
                assertThat(picked).as("%s with %d available", name, available.size()).isNotNull();
                assertThat(available).as(name).contains(picked.id());
                picked.load().onRequestStart();
                if (random.nextBoolean()) {
                    picked.load().onRequestEnd(env.nanoTime(), 1_000_000L * (1 + random.nextInt(50)), true);
                }
            }
        }
    }

    /**
     * Backends removed from the membership are never picked, whatever the strategy remembers of
     * them (a probe pool, an idle queue, a ring): the picks after the removal come only from the
     * members left, and none at all once every backend is gone. Each backend is used before the
     * removal, so stateful strategies have something stale to forget.
     */
    @Property(tries = 200)
    void neverPicksARemovedBackend(@ForAll("strategies") String name, @ForAll @IntRange(min = 1, max = 30) int size,
                                   @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Environment env = environment(seed);
        LoadBalancer lb = LoadBalancer.create(REGISTRY.create(name, env), env);
        lb.setBackends(backends(size, random));
        for (int i = 0; i < 3 * size; i++) {
            Endpoint e = lb.pick(context(random));
            e.load().onRequestStart();
            e.load().onRequestEnd(env.nanoTime(), 1_000_000L * (1 + random.nextInt(20)), true);
        }
        Set<String> left = new HashSet<>();
        for (int i = 0; i < size; i++) {
            if (random.nextInt(3) == 0) {
                assertThat(lb.removeBackend("b" + i)).isTrue();
            } else {
                left.add("b" + i);
            }
        }
        for (int i = 0; i < 200; i++) {
            Endpoint picked = lb.pick(context(random));
            if (left.isEmpty()) {
                assertThat(picked).as("%s with every backend removed", name).isNull();
            } else {
                assertThat(picked).as(name).isNotNull();
                assertThat(left).as("%s after removals", name).contains(picked.id());
                picked.load().onRequestStart();
                picked.load().onRequestEnd(env.nanoTime(), 1_000_000L, true);
            }
        }
    }

    @Property(tries = 50)
    void emptySetGivesNone(@ForAll("strategies") String name, @ForAll long seed) {
        Environment env = environment(seed);
        Picker picker = REGISTRY.create(name, env).newPicker(EndpointSet.empty());
        assertThat(picker.pick(RequestContext.NONE)).isNull();
        assertThat(picker.pick(RequestContext.ofKey("k"))).isNull();
    }

    @Property(tries = 50)
    void oneBackendAlwaysPicked(@ForAll("strategies") String name, @ForAll long seed) {
        Environment env = environment(seed);
        Endpoint only = Endpoint.healthy(Backend.of("only", "127.0.0.1:1", 3), env);
        Picker picker = REGISTRY.create(name, env).newPicker(EndpointSet.of(List.of(only)));
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 50; i++) {
            assertThat(picker.pick(context(random))).isSameAs(only);
        }
    }

    @Property(tries = 100)
    void sameSeedSamePicks(@ForAll("strategies") String name, @ForAll @IntRange(min = 2, max = 30) int size,
                           @ForAll long seed) {
        assertThat(pickSequence(name, size, seed)).isEqualTo(pickSequence(name, size, seed));
    }

    private static List<String> pickSequence(String name, int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Environment env = environment(seed);
        LoadBalancer lb = LoadBalancer.create(REGISTRY.create(name, env), env);
        lb.setBackends(backends(size, random));
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Endpoint e = lb.pick(context(random));
            picks.add(e.id());
            e.load().onRequestStart();
            if (random.nextInt(3) > 0) {
                e.load().onRequestEnd(env.nanoTime(), 1_000_000L * (1 + random.nextInt(20)), true);
            }
        }
        return picks;
    }

    @Property(tries = 60)
    void wrappedStrategiesKeepTheContract(@ForAll("strategies") String name,
                                          @ForAll @IntRange(min = 1, max = 20) int size, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Environment env = environment(seed);
        List<StrategySpec.WrapperSpec> wrappers = new ArrayList<>();
        for (String w : REGISTRY.wrapperNames()) {
            wrappers.add(new StrategySpec.WrapperSpec(w, Map.of()));
        }
        LoadBalancer lb = LoadBalancer.create(REGISTRY.create(new StrategySpec(name, Map.of(), wrappers), env), env);
        lb.setBackends(backends(size, random));
        lb.setHealth("b0", HealthState.DRAINING);
        for (int i = 0; i < 100; i++) {
            Endpoint picked = lb.pick(context(random));
            if (size == 1) {
                assertThat(picked).as("only backend is draining").isNull();
            } else {
                assertThat(picked).isNotNull();
                assertThat(picked.id()).as("a draining backend takes nothing new").isNotEqualTo("b0");
            }
        }
    }
}
