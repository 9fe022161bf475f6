package io.sluice.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.simulator.workload.Workloads;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a scenario can be invalid, each with its exact message: the source, the YAML path of
 * the bad field, the value and what is allowed.
 */
class ScenarioErrorsTest {
    static final String DURATION = "duration: 2s\n";
    static final String BACKENDS = """
            backends:
              - name: api
                count: 2
                service-time: {distribution: exponential, mean: 1ms}
            """;
    static final String WORKLOAD = "workload: {kind: poisson, rate: 1000}\n";
    static final String STRATEGIES = "strategies: [round-robin]\n";
    static final String DURATION_RANGE = "a duration from 1ms to 8784h with a unit (ns, us, ms, s, m, h), like 250ms"
            + " or 10s";

    static Scenario parse(String yaml) {
        return Scenarios.parse(yaml, "t", "t.yaml", null, Scenarios.Options.defaults());
    }

    /** A valid scenario with one section replaced. */
    static String with(String duration, String backends, String rest) {
        return duration + backends + rest;
    }

    /** A valid scenario with one backend group's fields given. */
    static String group(String fields) {
        return DURATION + "backends:\n  - " + fields.strip().replace("\n", "\n    ") + "\n" + WORKLOAD + STRATEGIES;
    }

    static final String API = "name: api\ncount: 2\nservice-time: {distribution: exponential, mean: 1ms}\n";

    static String lb(String fields) {
        return DURATION + BACKENDS + WORKLOAD + STRATEGIES + "load-balancer:\n  "
                + fields.strip().replace("\n", "\n  ") + "\n";
    }

    static String events(String list) {
        return DURATION + BACKENDS + WORKLOAD + STRATEGIES + "events:\n" + list;
    }

    static String strategies(String value) {
        return DURATION + BACKENDS + WORKLOAD + "strategies: " + value + "\n";
    }

    static Stream<Arguments> invalid() {
        String strategyNames = String.join(", ", StrategyRegistry.standard().strategyNames());
        String wrapperNames = String.join(", ", StrategyRegistry.standard().wrapperNames());
        return Stream.of(
                // ---- The document and its top level.
                Arguments.of("", "t.yaml: empty; a scenario needs at least duration, backends and workload (see"
                        + " scenarios/scenario-example.yaml)"),
                Arguments.of("- a\n- b\n", "t.yaml: expected a scenario (a mapping of key: value), got [\"a\",\"b\"]"),
                Arguments.of(DURATION + BACKENDS + WORKLOAD + "warmup: 1s\n", "t.yaml: warmup: unknown field for a"
                        + " scenario; allowed: description, seed, seeds, duration, warm-up, interval, drain-limit, backends,"
                        + " events, load-balancer, strategies, workload, sweep"),
                Arguments.of(BACKENDS + WORKLOAD, "t.yaml: duration: required; " + DURATION_RANGE),
                Arguments.of(with("duration: 10\n", BACKENDS, WORKLOAD), "t.yaml: duration: 10 is not a duration; "
                        + DURATION_RANGE),
                Arguments.of(with("duration: 0\n", BACKENDS, WORKLOAD), "t.yaml: duration: 0 is out of range; "
                        + DURATION_RANGE),
                Arguments.of(with("duration: 400d\n", BACKENDS, WORKLOAD), "t.yaml: duration: '400d' is not a"
                        + " duration; " + DURATION_RANGE),
                Arguments.of(with(DURATION + "seed: abc\n", BACKENDS, WORKLOAD), "t.yaml: seed: 'abc' is not a whole"
                        + " number; a whole number from -9223372036854775808 to 9223372036854775807"),
                Arguments.of(with(DURATION + "seeds: 0\n", BACKENDS, WORKLOAD), "t.yaml: seeds: 0 is out of range;"
                        + " a whole number from 1 to 1000"),
                Arguments.of(with(DURATION + "seeds: 2.5\n", BACKENDS, WORKLOAD), "t.yaml: seeds: 2.5 is not a whole"
                        + " number; a whole number from 1 to 1000"),
                Arguments.of(with(DURATION + "warm-up: 2s\n", BACKENDS, WORKLOAD), "t.yaml: warm-up: '2s' is not"
                        + " shorter than the duration 2s; the warm-up must leave some of the run to measure"),
                Arguments.of(with(DURATION + "warm-up: 1500ms\ninterval: 1s\n", BACKENDS, WORKLOAD), "t.yaml: warm-up:"
                        + " '1500ms' is not a whole number of intervals (1s); the time series starts at the end of the"
                        + " warm-up"),
                Arguments.of(with("duration: 200s\nwarm-up: 1001ms\n", BACKENDS, WORKLOAD), "t.yaml: warm-up:"
                        + " '1001ms' is divided by no interval from 1ms to 1s that keeps the run within 100000"
                        + " intervals; round the warm-up or set an interval"),
                Arguments.of(with(DURATION + "warm-up: 1500us\n", BACKENDS, WORKLOAD), "t.yaml: warm-up: '1500us' is"
                        + " divided by no interval from 1ms to 1s that keeps the run within 100000 intervals; round"
                        + " the warm-up or set an interval"),
                Arguments.of(with(DURATION + "interval: 3s\n", BACKENDS, WORKLOAD), "t.yaml: interval: '3s' is out"
                        + " of range; a duration from 1ms to 2s with a unit (ns, us, ms, s, m, h), like 250ms or 10s"),
                Arguments.of(with("duration: 200s\ninterval: 1ms\n", BACKENDS, WORKLOAD), "t.yaml: interval: '1ms'"
                        + " makes more than 100000 intervals in 200s; use at least 2ms"),
                Arguments.of(with(DURATION + "drain-limit: soon\n", BACKENDS, WORKLOAD), "t.yaml: drain-limit:"
                        + " 'soon' is not a duration; a duration from 0s to 8784h with a unit (ns, us, ms, s, m, h),"
                        + " like 250ms or 10s"),
                Arguments.of(with(DURATION + "description: [a]\n", BACKENDS, WORKLOAD), "t.yaml: description:"
                        + " expected a single value, got [\"a\"]; one paragraph of text"),

                // ---- Backends.
                Arguments.of(DURATION + WORKLOAD, "t.yaml: backends: required; a list of backend groups, each with"
                        + " at least a name and a service-time"),
                Arguments.of(DURATION + "backends: []\n" + WORKLOAD, "t.yaml: backends: expected a non-empty list,"
                        + " got []; a list of backend groups, each with at least a name and a service-time"),
                Arguments.of(DURATION + "backends: [api]\n" + WORKLOAD, "t.yaml: backends[0]: expected a backend"
                        + " group (a mapping of key: value), got 'api'"),
                Arguments.of(group(API + "cores: 4"), "t.yaml: backends[0].cores: unknown field for a backend group;"
                        + " allowed: name, count, servers, service-time, speed, discipline, queue-capacity, zone,"
                        + " weight"),
                Arguments.of(group("count: 2\nservice-time: {distribution: exponential, mean: 1ms}"), "t.yaml:"
                        + " backends[0].name: required; a word of letters, digits, '_' or '.', like api or big"),
                Arguments.of(group("name: api-1\nservice-time: {distribution: exponential, mean: 1ms}"), "t.yaml:"
                        + " backends[0].name: 'api-1' is not allowed; a word of letters, digits, '_' or '.' (backend"
                        + " ids are <name>-0, <name>-1, ...)"),
                Arguments.of(DURATION + BACKENDS + "  - name: api\n    service-time: {distribution: constant, mean:"
                        + " 1ms}\n" + WORKLOAD, "t.yaml: backends[1].name: 'api' names another group too; give each"
                        + " group its own name"),
                Arguments.of(group(API.replace("count: 2", "count: 0")), "t.yaml: backends[0].count: 0 is out of"
                        + " range; a whole number from 1 to 100000"),
                Arguments.of(DURATION + "backends:\n  - {name: a, count: 60000, service-time: {distribution:"
                        + " constant, mean: 1ms}}\n  - {name: b, count: 60000, service-time: {distribution: constant,"
                        + " mean: 1ms}}\n" + WORKLOAD, "t.yaml: backends[1].count: 60000 makes more than 100000"
                        + " backends in all"),
                Arguments.of(group(API + "servers: 0"), "t.yaml: backends[0].servers: 0 is out of range; a whole"
                        + " number from 1 to 1000000"),
                Arguments.of(group("name: api"), "t.yaml: backends[0].service-time: required; a distribution, like"
                        + " {distribution: exponential, mean: 10ms}"),
                Arguments.of(group("name: api\nservice-time: 5ms"), "t.yaml: backends[0].service-time: expected a"
                        + " distribution, like {distribution: exponential, mean: 10ms} (a mapping of key: value), got"
                        + " '5ms'"),
                Arguments.of(group("name: api\nservice-time: {mean: 1ms}"), "t.yaml:"
                        + " backends[0].service-time.distribution: required; one of exponential, constant, lognormal,"
                        + " pareto, empirical"),
                Arguments.of(group("name: api\nservice-time: {distribution: gamma, mean: 1ms}"), "t.yaml:"
                        + " backends[0].service-time.distribution: 'gamma' is not allowed; one of exponential,"
                        + " constant, lognormal, pareto, empirical"),
                Arguments.of(group("name: api\nservice-time: {distribution: exponential, mean: 1ms, sigma: 1}"),
                        "t.yaml: backends[0].service-time.sigma: unknown field for distribution exponential; allowed:"
                                + " distribution, mean"),
                Arguments.of(group("name: api\nservice-time: {distribution: exponential}"), "t.yaml:"
                        + " backends[0].service-time.mean: required; a duration from 1ns to 8784h with a unit (ns, us,"
                        + " ms, s, m, h), like 250ms or 10s"),
                Arguments.of(group("name: api\nservice-time: {distribution: constant, mean: 0ms}"), "t.yaml:"
                        + " backends[0].service-time.mean: '0ms' is out of range; a duration from 1ns to 8784h with a"
                        + " unit (ns, us, ms, s, m, h), like 250ms or 10s"),
                Arguments.of(group("name: api\nservice-time: {distribution: lognormal, mean: 1ms, sigma: 0}"),
                        "t.yaml: backends[0].service-time.sigma: 0 is out of range; a number > 0 and <= 10"),
                Arguments.of(group("name: api\nservice-time: {distribution: pareto, mean: 1ms, shape: 1}"),
                        "t.yaml: backends[0].service-time.shape: 1 is out of range; a number > 1 and <= 1000"),
                Arguments.of(group("name: api\nservice-time: {distribution: empirical}"), "t.yaml:"
                        + " backends[0].service-time.samples: required; a list of durations, like [2ms, 3ms, 15ms]"),
                Arguments.of(group("name: api\nservice-time: {distribution: empirical, samples: [2ms, x]}"),
                        "t.yaml: backends[0].service-time.samples[1]: 'x' is not a duration; a duration from 0s to"
                                + " 8784h with a unit (ns, us, ms, s, m, h), like 250ms or 10s"),
                Arguments.of(group("name: api\nservice-time: {distribution: empirical, samples: [0, 0s]}"),
                        "t.yaml: backends[0].service-time.samples: empirical: the samples must not all be 0"),
                Arguments.of(group(API + "speed: 0"), "t.yaml: backends[0].speed: 0 is out of range; a number > 0"
                        + " and <= 1000000"),
                Arguments.of(group(API + "speed: fast"), "t.yaml: backends[0].speed: 'fast' is not a number; a"
                        + " number > 0 and <= 1000000"),
                Arguments.of(group(API + "speed: [1]"), "t.yaml: backends[0].speed: a list of 1 speeds for 2"
                        + " backends; give one speed for the group or a list of exactly count (2) speeds"),
                Arguments.of(group(API + "speed: [1, -1]"), "t.yaml: backends[0].speed[1]: -1 is out of range; a"
                        + " number > 0 and <= 1000000"),
                Arguments.of(group(API + "discipline: lifo"), "t.yaml: backends[0].discipline: 'lifo' is not"
                        + " allowed; one of fifo, ps, processor-sharing"),
                Arguments.of(group(API + "queue-capacity: -1"), "t.yaml: backends[0].queue-capacity: -1 is not"
                        + " allowed; unbounded, or a whole number from 0 to 2147483647 (requests held beyond the"
                        + " servers)"),
                Arguments.of(group(API + "queue-capacity: lots"), "t.yaml: backends[0].queue-capacity: 'lots' is not"
                        + " allowed; unbounded, or a whole number from 0 to 2147483647 (requests held beyond the"
                        + " servers)"),
                Arguments.of(group(API + "zone: ' '"), "t.yaml: backends[0].zone: empty; give a zone name, like"
                        + " eu-west-1a, or leave it out (default)"),
                Arguments.of(group(API + "weight: 0"), "t.yaml: backends[0].weight: 0 is out of range; a whole"
                        + " number from 1 to 1000000"),

                // ---- Scripted events.
                Arguments.of(events("  kind: crash\n"), "t.yaml: events: expected a non-empty list, got"
                        + " {\"kind\":\"crash\"}; a list of scripted events, like {kind: crash, backend: api-3, at:"
                        + " 30s}"),
                Arguments.of(events("  - {backend: api-0, at: 1s}\n"), "t.yaml: events[0].kind: required; one of"
                        + " crash, recover, slowdown, stall"),
                Arguments.of(events("  - {kind: reboot, backend: api-0, at: 1s}\n"), "t.yaml: events[0].kind:"
                        + " 'reboot' is not allowed; one of crash, recover, slowdown, stall"),
                Arguments.of(events("  - {kind: crash, backend: api-9, at: 1s}\n"), "t.yaml: events[0].backend:"
                        + " 'api-9' is not a backend of this scenario; backends: api-0..api-1"),
                Arguments.of(events("  - {kind: crash, at: 1s}\n"), "t.yaml: events[0].backend: required; a backend"
                        + " id, like api-0"),
                Arguments.of(events("  - {kind: crash, backend: api-0, at: 1s, factor: 2}\n"), "t.yaml:"
                        + " events[0].factor: unknown field for event kind crash; allowed: kind, backend, at"),
                Arguments.of(events("  - {kind: recover, backend: api-0, at: 5s}\n"), "t.yaml: events[0].at: '5s'"
                        + " is not before the end of the run (2s); an event must happen during the run"),
                Arguments.of(events("  - {kind: crash, backend: api-0}\n"), "t.yaml: events[0].at: required; a"
                        + " duration from 0s to 8784h with a unit (ns, us, ms, s, m, h), like 250ms or 10s"),
                Arguments.of(events("  - {kind: slowdown, backend: api-0, at: 1s, duration: 1s, factor: 0.5}\n"),
                        "t.yaml: events[0].factor: 0.5 is out of range; a number from 1 to 1000000"),
                Arguments.of(events("  - {kind: slowdown, backend: api-0, at: 1s, factor: 2}\n"), "t.yaml:"
                        + " events[0].duration: required; a duration from 1ns to 8784h with a unit (ns, us, ms, s, m,"
                        + " h), like 250ms or 10s"),
                Arguments.of(events("  - {kind: stall, backend: api-0, at: 1s, duration: 0}\n"), "t.yaml:"
                        + " events[0].duration: 0 is out of range; a duration from 1ns to 8784h with a unit (ns, us,"
                        + " ms, s, m, h), like 250ms or 10s"),

                // ---- Load balancer.
                Arguments.of(DURATION + BACKENDS + WORKLOAD + "load-balancer: 2\n", "t.yaml: load-balancer: expected"
                        + " the load-balancer settings (a mapping of key: value), got 2"),
                Arguments.of(lb("retry: 2"), "t.yaml: load-balancer.retry: unknown field for load-balancer; allowed:"
                        + " instances, network-delay, timeout, connect-timeout, retries, health-check,"
                        + " utilisation-report-interval, ewma-decay, picker-refresh"),
                Arguments.of(lb("instances: 0"), "t.yaml: load-balancer.instances: 0 is out of range; a whole number"
                        + " from 1 to 10000"),
                Arguments.of(lb("network-delay: fast"), "t.yaml: load-balancer.network-delay: 'fast' is not a"
                        + " duration; a duration from 0s to 8784h with a unit (ns, us, ms, s, m, h), like 250ms or"
                        + " 10s"),
                Arguments.of(lb("network-delay: {distribution: constant, mean: -1ms}"), "t.yaml:"
                        + " load-balancer.network-delay.mean: '-1ms' is not a duration; a duration from 0s to 8784h"
                        + " with a unit (ns, us, ms, s, m, h), like 250ms or 10s"),
                Arguments.of(lb("network-delay: {distribution: exponential, mean: 0}"), "t.yaml:"
                        + " load-balancer.network-delay.mean: 0 is out of range; a duration from 1ns to 8784h with a"
                        + " unit (ns, us, ms, s, m, h), like 250ms or 10s"),
                Arguments.of(lb("timeout: -1s"), "t.yaml: load-balancer.timeout: '-1s' is not a duration; a duration"
                        + " from 0s to 8784h with a unit (ns, us, ms, s, m, h), like 250ms or 10s"),
                Arguments.of(lb("connect-timeout: 0"), "t.yaml: load-balancer.connect-timeout: 0 is out of range; a"
                        + " duration from 1ns to 8784h with a unit (ns, us, ms, s, m, h), like 250ms or 10s"),
                Arguments.of(lb("retries: {attempts: 2}"), "t.yaml: load-balancer.retries.attempts: unknown field"
                        + " for retries; allowed: max-attempts, budget, on-timeout"),
                Arguments.of(lb("retries: {max-attempts: 11}"), "t.yaml: load-balancer.retries.max-attempts: 11 is"
                        + " out of range; a whole number from 1 to 10"),
                Arguments.of(lb("retries: {budget: 2}"), "t.yaml: load-balancer.retries.budget: 2 is out of range; a"
                        + " number from 0 to 1"),
                Arguments.of(lb("retries: {on-timeout: maybe}"), "t.yaml: load-balancer.retries.on-timeout: 'maybe'"
                        + " is not allowed; write true or false"),
                Arguments.of(lb("health-check: {path: /health}"), "t.yaml: load-balancer.health-check.path: unknown"
                        + " field for health-check; allowed: interval, timeout, rise, fall, work"),
                Arguments.of(lb("health-check: {rise: 0}"), "t.yaml: load-balancer.health-check.rise: 0 is out of"
                        + " range; a whole number from 1 to 1000"),
                Arguments.of(lb("health-check: {fall: 1001}"), "t.yaml: load-balancer.health-check.fall: 1001 is out"
                        + " of range; a whole number from 1 to 1000"),
                Arguments.of(lb("health-check: {interval: 500us}"), "t.yaml: load-balancer.health-check.interval:"
                        + " '500us' is out of range; a duration from 1ms to 24h with a unit (ns, us, ms, s, m, h),"
                        + " like 250ms or 10s"),
                Arguments.of(lb("health-check: {timeout: 0}"), "t.yaml: load-balancer.health-check.timeout: 0 is out"
                        + " of range; a duration from 1ns to 24h with a unit (ns, us, ms, s, m, h), like 250ms or"
                        + " 10s"),
                Arguments.of(lb("utilisation-report-interval: often"), "t.yaml:"
                        + " load-balancer.utilisation-report-interval: 'often' is not a duration; a duration from 0s"
                        + " to 8784h with a unit (ns, us, ms, s, m, h), like 250ms or 10s"),
                Arguments.of(lb("ewma-decay: 0"), "t.yaml: load-balancer.ewma-decay: 0 is out of range; a duration"
                        + " from 1ns to 8784h with a unit (ns, us, ms, s, m, h), like 250ms or 10s"),
                Arguments.of(lb("picker-refresh: x"), "t.yaml: load-balancer.picker-refresh: 'x' is not a duration;"
                        + " a duration from 0s to 8784h with a unit (ns, us, ms, s, m, h), like 250ms or 10s"),

                // ---- Strategies.
                Arguments.of(strategies("some"), "t.yaml: strategies: 'some' is not allowed; 'all', or a list of"
                        + " strategy names or {name, label, params, wrappers} mappings"),
                Arguments.of(strategies("[]"), "t.yaml: strategies: [] is not allowed; 'all', or a list of strategy"
                        + " names or {name, label, params, wrappers} mappings"),
                Arguments.of(strategies("[nope]"), "t.yaml: strategies[0]: unknown strategy 'nope'; valid"
                        + " strategies: " + strategyNames),
                Arguments.of(strategies("[3]"), "t.yaml: strategies[0]: 3 is not allowed; a strategy name or a"
                        + " {name, label, params, wrappers} mapping"),
                Arguments.of(strategies("[{label: x}]"), "t.yaml: strategies[0].name: required; a strategy name;"
                        + " valid strategies: " + strategyNames),
                Arguments.of(strategies("[{name: random, parameters: {}}]"), "t.yaml: strategies[0].parameters:"
                        + " unknown field for a strategy; allowed: name, label, params, wrappers"),
                Arguments.of(strategies("[{name: random, label: ' '}]"), "t.yaml: strategies[0].label: empty; give"
                        + " a label or leave it out (the strategy name)"),
                Arguments.of(strategies("[{name: p2c-least-request, params: {choices: 1}}]"), "t.yaml:"
                        + " strategies[0]: strategy 'p2c-least-request': parameter 'choices' must be in 2..16, got 1"),
                Arguments.of(strategies("[{name: p2c-least-request, params: {choices: [2, 3]}}]"), "t.yaml:"
                        + " strategies[0].params.choices: [2,3] is not allowed; a single value (number, true/false,"
                        + " text or a duration like 10s)"),
                Arguments.of(strategies("[{name: round-robin, params: {x: 1}}]"), "t.yaml: strategies[0]: strategy"
                        + " 'round-robin': unknown parameter 'x'; allowed: none"),
                Arguments.of(strategies("[{name: random, params: 3}]"), "t.yaml: strategies[0].params: expected"
                        + " parameters as name: value (a mapping of key: value), got 3"),
                Arguments.of(strategies("[{name: random, wrappers: [sticky]}]"), "t.yaml: strategies[0]: unknown"
                        + " wrapper 'sticky'; valid wrappers: " + wrapperNames),
                Arguments.of(strategies("[{name: random, wrappers: [{name: slow-start, params: {window: 0s}}]}]"),
                        "t.yaml: strategies[0]: wrapper 'slow-start': parameter 'window' must be in 1ms..24h, got 0s"),
                Arguments.of(strategies("[{name: random, wrappers: [{params: {}}]}]"), "t.yaml:"
                        + " strategies[0].wrappers[0].name: required; a wrapper name; valid wrappers: "
                        + wrapperNames),
                Arguments.of(strategies("[{name: random, wrappers: [{name: slow-start, window: 1s}]}]"), "t.yaml:"
                        + " strategies[0].wrappers[0].window: unknown field for a wrapper; allowed: name, params"),
                Arguments.of(strategies("[{name: random, wrappers: []}]"), "t.yaml: strategies[0].wrappers: expected"
                        + " a non-empty list, got []; a list of wrapper names or {name, params} mappings; valid"
                        + " wrappers: " + wrapperNames),
                Arguments.of(strategies("[round-robin, random, round-robin]"), "t.yaml: strategies[2]: the label"
                        + " 'round-robin' is used twice; give each entry its own label"),

                // ---- Workload (parsed by the workload package; its messages pass through).
                Arguments.of(DURATION + BACKENDS, "t.yaml: workload: required; a workload with a kind, one of"
                        + " poisson, periodic, diurnal, mmpp, synchronised-access, reconnect-storm, mixture, trace (see"
                        + " scenarios/workloads-example.yaml)"),
                Arguments.of(DURATION + BACKENDS + "workload: {kind: poisson}\n", "t.yaml: workload.rate: required;"
                        + " a rate > 0 in requests per second, like 5000, 5000/s, 300/min or 12/h"),

                // ---- Sweep.
                Arguments.of(DURATION + BACKENDS + WORKLOAD + "sweep: {parameter: servers, values: [1]}\n", "t.yaml:"
                        + " sweep.parameter: 'servers' is not allowed; one of load, rate-multiplier"),
                Arguments.of(DURATION + BACKENDS + WORKLOAD + "sweep: {parameter: load, value: [1]}\n", "t.yaml:"
                        + " sweep.value: unknown field for sweep; allowed: parameter, values"),
                Arguments.of(DURATION + BACKENDS + WORKLOAD + "sweep: {parameter: load, values: []}\n", "t.yaml:"
                        + " sweep.values: expected a non-empty list, got []; a list of numbers > 0, like [0.5, 0.7,"
                        + " 0.9]"),
                Arguments.of(DURATION + BACKENDS + WORKLOAD + "sweep: {parameter: load, values: [0.5, 0]}\n",
                        "t.yaml: sweep.values[1]: 0 is out of range; a number > 0 and <= 10"),
                Arguments.of(DURATION + BACKENDS + WORKLOAD + "sweep: {parameter: rate-multiplier, values: [x]}\n",
                        "t.yaml: sweep.values[0]: 'x' is not a number; a number > 0 and <= 1000000"),
                Arguments.of(DURATION + BACKENDS + "workload: {kind: reconnect-storm, devices: 10}\n"
                        + "sweep: {parameter: load, values: [0.5]}\n", "t.yaml: sweep.parameter: load needs a"
                        + " workload with a known mean rate, and '" + stormDescription() + "' has none (a trace, a"
                        + " one-off burst or a storm); use rate-multiplier"));
    }

    private static String stormDescription() {
        try {
            return Workloads.parse(new ObjectMapper(new YAMLFactory()).readTree("{kind: reconnect-storm, devices: 10}"),
                    "workload", Path.of("")).describe();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void anInvalidScenarioNamesThePathAndWhatIsAllowed(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ScenarioException.class).hasMessage(message);
    }

    @Test
    void malformedYamlNamesTheLineAndColumn() {
        assertThatThrownBy(() -> parse("duration: [1s\nbackends: x\n")).isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith("t.yaml: not valid YAML at line ");
    }

    @Test
    void aRepeatedKeyIsAnError() {
        assertThatThrownBy(() -> parse(DURATION + DURATION + BACKENDS + WORKLOAD))
                .isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith("t.yaml: not valid YAML at line 2, column ")
                .hasMessageContaining("Duplicate field 'duration'");
    }

    @Test
    void aMissingTraceFileNamesTheWorkloadPath() {
        assertThatThrownBy(() -> Scenarios.parse(DURATION + BACKENDS + "workload: {kind: trace, path: nope.csv,"
                + " time-unit: offset-ms}\n", "t", "t.yaml", Path.of("/nonexistent-dir"), Scenarios.Options.defaults()))
                .isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith("t.yaml: workload.path: trace file 'nope.csv' not found (resolved to ");
    }
}
