package io.sluice.simulator.scenario;

import static io.sluice.simulator.scenario.ScenarioErrorsTest.BACKENDS;
import static io.sluice.simulator.scenario.ScenarioErrorsTest.DURATION;
import static io.sluice.simulator.scenario.ScenarioErrorsTest.STRATEGIES;
import static io.sluice.simulator.scenario.ScenarioErrorsTest.WORKLOAD;
import static io.sluice.simulator.scenario.ScenarioErrorsTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A scenario's protection keys: {@code load-balancer.rate-limits} (the proxy's entries, read by the
 * proxy's reader), {@code load-balancer.adaptive-concurrency} (the cluster policy block both files
 * share) and {@code compare-protection}, which runs every strategy without and with them.
 */
class ProtectionScenarioTest {
    private static final String PROTECTED = DURATION + BACKENDS + WORKLOAD + STRATEGIES + """
            load-balancer:
              rate-limits:
                - {name: device, rate: 10/s, burst: 5, key: [header:x-device-id]}
              adaptive-concurrency: {min-limit: 4, tolerance: 2}
            compare-protection: {misbehaving-devices: "bad-"}
            """;

    @Test
    void compareProtectionRunsEachStrategyWithoutThenWith() {
        Scenario s = parse(PROTECTED);
        assertThat(s.loadBalancer().rateLimits()).hasSize(1);
        assertThat(s.loadBalancer().rateLimits().get(0).name()).isEqualTo("device");
        assertThat(s.policy().adaptiveConcurrency()).hasValueSatisfying(a -> {
            assertThat(a.minLimit()).isEqualTo(4);
            assertThat(a.tolerance()).isEqualTo(2.0);
            assertThat(a.maxLimit()).isEqualTo(1000);
        });
        List<ScenarioRun> runs = s.runs();
        assertThat(runs).extracting(ScenarioRun::label).containsExactly("round-robin", "round-robin +protection");
        ScenarioRun off = runs.get(0);
        ScenarioRun on = runs.get(1);
        assertThat(off.protection()).isEqualTo(new ScenarioRun.Protection("round-robin", false));
        assertThat(on.protection()).isEqualTo(new ScenarioRun.Protection("round-robin", true));
        assertThat(off.config().loadBalancer().rateLimits()).isEmpty();
        assertThat(off.config().policy().adaptiveConcurrency()).isEmpty();
        assertThat(on.config().loadBalancer().rateLimits()).hasSize(1);
        assertThat(on.config().policy().adaptiveConcurrency()).isPresent();
        assertThat(on.config().misbehavingDevices()).isEqualTo("bad-");
        // Both sides run the same seeds.
        assertThat(off.configs()).extracting(c -> c.seed()).isEqualTo(on.configs().stream().map(c -> c.seed()).toList());
    }

    @Test
    void withoutCompareProtectionTheLimitsApplyToEveryRun() {
        Scenario s = parse(PROTECTED.replace("compare-protection: {misbehaving-devices: \"bad-\"}\n", ""));
        assertThat(s.runs()).hasSize(1);
        assertThat(s.runs().get(0).protection()).isNull();
        assertThat(s.runs().get(0).config().loadBalancer().rateLimits()).hasSize(1);
        assertThat(s.runs().get(0).config().policy().adaptiveConcurrency()).isPresent();
    }

    @Test
    void adaptiveConcurrencyCanBeSwitchedOff() {
        Scenario s = parse(ScenarioErrorsTest.lb("adaptive-concurrency: {enabled: false}"));
        assertThat(s.policy().adaptiveConcurrency()).isEmpty();
    }

    private static void assertError(String yaml, String... messages) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(messages));
    }

    @Test
    void badProtectionKeysAreErrorsAtTheirPath() {
        assertError(ScenarioErrorsTest.lb("adaptive-concurrency: {tolerance: 0.5}"),
                "load-balancer.adaptive-concurrency.tolerance: 0.5 is out of range");
        assertError(ScenarioErrorsTest.lb("adaptive-concurrency: {min-limit: 50, max-limit: 10}"),
                "load-balancer.adaptive-concurrency: adaptive concurrency needs 1 <= min-limit <= max-limit, got 50"
                        + " and 10");
        assertError(ScenarioErrorsTest.lb("adaptive-concurrency: {probe-every: 0}"),
                "load-balancer.adaptive-concurrency.probe-every: 0 is out of range");
        assertError(ScenarioErrorsTest.lb("rate-limits: [{rate: 10/s, key: [device-id]}]"),
                "load-balancer.rate-limits[0].key[0]: 'device-id' is not a key; write client-ip");
        assertError(ScenarioErrorsTest.lb("rate-limits: [{rate: 10/s, algorithm: leaky}]"),
                "load-balancer.rate-limits[0].algorithm");
        assertError(DURATION + BACKENDS + WORKLOAD + STRATEGIES + "compare-protection: {misbehaving-devices: x}\n",
                "compare-protection: there is no protection to compare");
    }
}
