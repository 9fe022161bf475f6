package io.sluice.algorithms.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.LoadBalancer;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.StrategySpec;
import io.sluice.algorithms.affinity.AffinityTable;
import io.sluice.algorithms.health.ActiveHealthCheck;
import io.sluice.algorithms.health.CheckResult;
import io.sluice.algorithms.health.HealthAggregator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SharedCases} against the algorithms' own functions: {@link RetryPolicy#decide} with the
 * budget and {@link RetryTarget}, {@link ActiveHealthCheck} through a {@link HealthAggregator}, and
 * {@link AffinityPolicy} with an {@link AffinityTable} in front of a {@link LoadBalancer}. The
 * proxy's and the simulator's tests run the same rows through their own paths.
 */
class SharedCasesTest {
    static Stream<SharedCases.RetryCase> retries() {
        return SharedCases.RETRIES.stream();
    }

    static Stream<SharedCases.HealthCase> health() {
        return SharedCases.HEALTH.stream();
    }

    static Stream<SharedCases.AffinityCase> affinity() {
        return SharedCases.AFFINITY.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("retries")
    void retryEligibility(SharedCases.RetryCase c) {
        RetryPolicy policy = c.policy();
        AttemptFailure failure = c.failure().attemptFailure();
        boolean idempotent = RetryPolicy.isIdempotent(c.method());
        Environment env = Environment.virtual(() -> 0L, 7);
        LoadBalancer lb = LoadBalancer.create(StrategyRegistry.standard().create("round-robin", env), env);
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < c.backends(); i++) {
            backends.add(Backend.of("b" + i, "127.0.0.1:" + (9000 + i)));
        }
        lb.setBackends(backends);
        RetryBudget budget = new RetryBudget();
        budget.requestStarted();

        Set<String> tried = new HashSet<>();
        Endpoint e = lb.pick(RequestContext.NONE);
        int attempts = 1;
        while (failure != null) {
            tried.add(e.id());
            boolean bodySent = c.body() && failure != AttemptFailure.CONNECT_FAILURE;
            if (!policy.decide(failure, attempts - 1, idempotent, bodySent, false).retry()) {
                break;
            }
            e = RetryTarget.choose(lb, RequestContext.NONE, tried);
            if (e == null) {
                break;
            }
            assertThat(!RetryPolicy.spendsBudget(failure) || budget.tryStartRetry(policy))
                    .as("one request's retries fit the default budget").isTrue();
            attempts++;
        }
        assertThat(attempts).isEqualTo(c.attempts());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("health")
    void healthTransitions(SharedCases.HealthCase c) {
        HealthCheckPolicy policy = c.policy().build();
        ActiveHealthCheck check = ActiveHealthCheck.create(policy.checks(), 0);
        List<HealthState> seen = new ArrayList<>();
        HealthAggregator health = new HealthAggregator((id, state) -> seen.add(state));
        health.setBackends(List.of("b"));
        health.setActive("b", check.healthState());
        boolean upAtStart = health.state("b") == HealthState.HEALTHY;
        assertThat(upAtStart).as("up before the first check").isEqualTo(c.upAtStart());

        int flip = 0;
        for (int i = 1; i <= SharedCases.MAX_CHECKS && flip == 0; i++) {
            health.setActive("b", check.onResult(c.passing() ? CheckResult.PASS : CheckResult.FAIL, i).healthState());
            if ((health.state("b") == HealthState.HEALTHY) != upAtStart) {
                flip = i;
            }
        }
        assertThat(flip).as("checks until the state flips (0: never)").isEqualTo(c.checksToFlip());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("affinity")
    void affinityThroughChurn(SharedCases.AffinityCase c) {
        AtomicLong now = new AtomicLong();
        Environment env = Environment.virtual(now::get, 11);
        StrategyRegistry registry = StrategyRegistry.standard();
        StrategySpec spec = StrategySpec.of(c.strategy());
        LoadBalancer lb = LoadBalancer.create(registry.create(spec, env), env);
        lb.setBackends(List.of(Backend.of("a", "127.0.0.1:1"), Backend.of("b", "127.0.0.1:2"),
                Backend.of("c", "127.0.0.1:3")));
        AffinityPolicy policy = c.policy();
        boolean hashes = AffinityPolicy.hashesKey(spec, registry);
        AffinityTable table = policy.usesTable(hashes) ? AffinityTable.create(policy.table()) : null;
        String key = "device-1";
        String[] cookie = new String[1];

        java.util.function.Supplier<String> request = () -> {
            now.addAndGet(1_000_000L);
            Set<String> available = new HashSet<>();
            lb.endpoints().available().forEach(x -> available.add(x.id()));
            if (policy.mode() == AffinityPolicy.Mode.COOKIE) {
                String id = cookie[0] != null && available.contains(cookie[0]) ? cookie[0]
                        : lb.pick(RequestContext.NONE).id();
                cookie[0] = id; // any response names its backend
                return id;
            }
            if (table != null) {
                return table.route(key, now.get(), available, k -> lb.pick(RequestContext.NONE).id());
            }
            RequestContext ctx = policy.keyToStrategy(hashes) ? RequestContext.ofKey(key) : RequestContext.NONE;
            return lb.pick(ctx).id();
        };
        List<String> phase1 = phase(request);
        String home = phase1.get(0);
        lb.setHealth(home, HealthState.DRAINING);
        List<String> phase2 = phase(request);
        lb.setHealth(home, HealthState.HEALTHY);
        List<String> phase3 = phase(request);
        assertThat(SharedCases.judge(c.expected(), phase1, phase2, phase3)).isNull();
    }

    private static List<String> phase(java.util.function.Supplier<String> request) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < SharedCases.PHASE_REQUESTS; i++) {
            out.add(request.get());
        }
        return out;
    }
}
