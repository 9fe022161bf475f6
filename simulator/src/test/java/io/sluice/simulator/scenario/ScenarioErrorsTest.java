package io.sluice.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.StrategyRegistry;
import io.sluice.config.ConfigException;
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
                Arguments.of("", "empty; a scenario needs at least duration, backends and workload (see"
                        + " scenarios/scenario-example.yaml)"),
                Arguments.of("- a\n- b\n", "expected a mapping (key: value), got [\"a\",\"b\"]"),
                Arguments.of(DURATION + BACKENDS + WORKLOAD + "warmup: 1s\n", "warmup: renamed: write warm-up"),
                Arguments.of(BACKENDS + WORKLOAD, "duration: required; " + DURATION_RANGE),
                Arguments.of(with("duration: 10\n", BACKENDS, WORKLOAD), "duration: 10 is not a duration; "
                        + DURATION_RANGE),
                Arguments.of(with("duration: 0\n", BACKENDS, WORKLOAD), "duration: 0 is out of range; a duration from 1ms to 8784h"),
                Arguments.of(with("duration: 400d\n", BACKENDS, WORKLOAD), "duration: '400d' is not a"
                        + " duration; " + DURATION_RANGE),
                Arguments.of(with(DURATION + "seed: abc\n", BACKENDS, WORKLOAD), "seed: 'abc' is not a whole"
                        + " number; a whole number from -9223372036854775808 to 9223372036854775807"),
                Arguments.of(with(DURATION + "seeds: 0\n", BACKENDS, WORKLOAD), "seeds: 0 is out of range;"
                        + " a whole number from 1 to 1000"),
                Arguments.of(with(DURATION + "seeds: 2.5\n", BACKENDS, WORKLOAD), "seeds: 2.5 is not a whole"
                        + " number; a whole number from 1 to 1000"),
                Arguments.of(with(DURATION + "warm-up: 2s\n", BACKENDS, WORKLOAD), "warm-up: '2s' is not"
                        + " shorter than the duration 2s; the warm-up must leave some of the run to measure"),
                Arguments.of(with(DURATION + "warm-up: 1500ms\ninterval: 1s\n", BACKENDS, WORKLOAD), "warm-up:"
                        + " '1500ms' is not a whole number of intervals (1s); the time series starts at the end of the"
                        + " warm-up"),
                Arguments.of(with("duration: 200s\nwarm-up: 1001ms\n", BACKENDS, WORKLOAD), "warm-up:"
                        + " '1001ms' is divided by no interval from 1ms to 1s that keeps the run within 100000"
                        + " intervals; round the warm-up or set an interval"),
                Arguments.of(with(DURATION + "warm-up: 1500us\n", BACKENDS, WORKLOAD), "warm-up: '1500us' is"
                        + " divided by no interval from 1ms to 1s that keeps the run within 100000 intervals; round"
                        + " the warm-up or set an interval"),
                Arguments.of(with(DURATION + "interval: 3s\n", BACKENDS, WORKLOAD), "interval: 3s is out of range; a duration from 1ms to 2s"),
                Arguments.of(with("duration: 200s\ninterval: 1ms\n", BACKENDS, WORKLOAD), "interval: '1ms'"
                        + " makes more than 100000 intervals in 200s; use at least 2ms"),
                Arguments.of(with(DURATION + "drain-limit: soon\n", BACKENDS, WORKLOAD), "drain-limit:"
                        + " 'soon' is not a duration; a duration from 0s to 8784h with a unit (ns, us, ms, s, m, h),"
                        + " like 250ms or 10s"),
                Arguments.of(with(DURATION + "description: [a]\n", BACKENDS, WORKLOAD), "description:"
                        + " expected a single value, got [\"a\"]; one paragraph of text"),

                // ---- Backends.
                Arguments.of(DURATION + WORKLOAD, "backends: required; a list of backend groups, each with"
                        + " at least a name and a service-time"),
                Arguments.of(DURATION + "backends: []\n" + WORKLOAD, "backends: expected a non-empty list,"
                        + " got []; a list of backend groups, each with at least a name and a service-time"),
                Arguments.of(DURATION + "backends: [api]\n" + WORKLOAD, "backends[0]: expected a mapping (key: value), got 'api'"),
                Arguments.of(group(API + "cores: 4"), "backends[0].cores: unknown key; allowed here: name, count, ids, servers, service-time, "
                        + "speed, discipline, queue-capacity, zone, weight, health-check-work"),
                Arguments.of(group("count: 2\nservice-time: {distribution: exponential, mean: 1ms}"), "backends[0].name: required; a word of letters, digits, '_' or '.', like api or big"),
                Arguments.of(group("name: api-1\nservice-time: {distribution: exponential, mean: 1ms}"), "backends[0].name: 'api-1' is not allowed; a word of letters, digits, '_' or '.' (backend"
                        + " ids are <name>-0, <name>-1, ...)"),
                Arguments.of(DURATION + BACKENDS + "  - name: api\n    service-time: {distribution: constant, mean:"
                        + " 1ms}\n" + WORKLOAD, "backends[1].name: 'api' names another group too; give each"
                        + " group its own name"),
                Arguments.of(group(API.replace("count: 2", "count: 0")), "backends[0].count: 0 is out of"
                        + " range; a whole number from 1 to 100000"),
                Arguments.of(DURATION + "backends:\n  - {name: a, count: 60000, service-time: {distribution:"
                        + " constant, mean: 1ms}}\n  - {name: b, count: 60000, service-time: {distribution: constant,"
                        + " mean: 1ms}}\n" + WORKLOAD, "backends[1].count: 60000 makes more than 100000"
                        + " backends in all"),
                Arguments.of(group(API + "servers: 0"), "backends[0].servers: 0 is out of range; a whole"
                        + " number from 1 to 1000000"),
                Arguments.of(group("name: api"), "backends[0].service-time: required; a distribution, like"
                        + " {distribution: exponential, mean: 10ms}"),
                Arguments.of(group("name: api\nservice-time: 5ms"), "backends[0].service-time: expected a"
                        + " distribution, like {distribution: exponential, mean: 10ms} (a mapping of key: value), got"
                        + " '5ms'"),
                Arguments.of(group("name: api\nservice-time: {mean: 1ms}"), "backends[0].service-time.distribution: required; one of exponential, constant, lognormal,"
                        + " pareto, empirical"),
                Arguments.of(group("name: api\nservice-time: {distribution: gamma, mean: 1ms}"), "backends[0].service-time.distribution: 'gamma' is not allowed; one of exponential,"
                        + " constant, lognormal, pareto, empirical"),
                Arguments.of(group("name: api\nservice-time: {distribution: exponential, mean: 1ms, sigma: 1}"), "backends[0].service-time.sigma: not a key of distribution exponential; allowed here: "
                        + "distribution, mean"),
                Arguments.of(group("name: api\nservice-time: {distribution: exponential}"), "backends[0].service-time.mean: required; a duration from 1ns to 8784h with a unit (ns, us,"
                        + " ms, s, m, h), like 250ms or 10s"),
                Arguments.of(group("name: api\nservice-time: {distribution: constant, mean: 0ms}"), "backends[0].service-time.mean: 0ms is out of range; a duration from 1ns to 8784h"),
                Arguments.of(group("name: api\nservice-time: {distribution: lognormal, mean: 1ms, sigma: 0}"),
                        "backends[0].service-time.sigma: 0 is out of range; a number > 0 and <= 10"),
                Arguments.of(group("name: api\nservice-time: {distribution: pareto, mean: 1ms, shape: 1}"),
                        "backends[0].service-time.shape: 1 is out of range; a number > 1 and <= 1000"),
                Arguments.of(group("name: api\nservice-time: {distribution: empirical}"), "backends[0].service-time.samples: required; a list of durations, like [2ms, 3ms, 15ms]"),
                Arguments.of(group("name: api\nservice-time: {distribution: empirical, samples: [2ms, x]}"),
                        "backends[0].service-time.samples[1]: 'x' is not a duration; a duration from 0s to"
                                + " 8784h with a unit (ns, us, ms, s, m, h), like 250ms or 10s"),
                Arguments.of(group("name: api\nservice-time: {distribution: empirical, samples: [0, 0s]}"),
                        "backends[0].service-time.samples: empirical: the samples must not all be 0"),
                Arguments.of(group(API + "speed: 0"), "backends[0].speed: 0 is out of range; a number > 0"
                        + " and <= 1000000"),
                Arguments.of(group(API + "speed: fast"), "backends[0].speed: 'fast' is not a number; a"
                        + " number > 0 and <= 1000000"),
                Arguments.of(group(API + "speed: [1]"), "backends[0].speed: a list of 1 speeds for 2"
                        + " backends; give one speed for the group or a list of exactly count (2) speeds"),
                Arguments.of(group(API + "speed: [1, -1]"), "backends[0].speed[1]: -1 is out of range; a"
                        + " number > 0 and <= 1000000"),
                Arguments.of(group(API + "discipline: lifo"), "backends[0].discipline: 'lifo' is not"
                        + " allowed; one of fifo, ps, processor-sharing"),
                Arguments.of(group(API + "queue-capacity: -1"), "backends[0].queue-capacity: -1 is not"
                        + " allowed; unbounded, or a whole number from 0 to 2147483647 (requests held beyond the"
                        + " servers)"),
                Arguments.of(group(API + "queue-capacity: lots"), "backends[0].queue-capacity: 'lots' is not"
                        + " allowed; unbounded, or a whole number from 0 to 2147483647 (requests held beyond the"
                        + " servers)"),
                Arguments.of(group(API + "zone: ' '"), "backends[0].zone: empty; give a zone name, like"
                        + " eu-west-1a, or leave it out (default)"),
                Arguments.of(group(API + "weight: 0"), "backends[0].weight: 0 is out of range; a whole"
                        + " number from 1 to 1000000"),

                // ---- Scripted events.
                Arguments.of(events("  kind: crash\n"), "events: expected a list, got {\"kind\":\"crash\"}; a list of scripted events, like {kind: "
                        + "crash, backend: api-3, at: 30s}"),
                Arguments.of(events("  - {backend: api-0, at: 1s}\n"), "events[0].kind: required; one of"
                        + " crash, recover, slowdown, stall"),
                Arguments.of(events("  - {kind: reboot, backend: api-0, at: 1s}\n"), "events[0].kind:"
                        + " 'reboot' is not allowed; one of crash, recover, slowdown, stall"),
                Arguments.of(events("  - {kind: crash, backend: api-9, at: 1s}\n"), "events[0].backend:"
                        + " 'api-9' is not a backend of this scenario; backends: api-0..api-1"),
                Arguments.of(events("  - {kind: crash, at: 1s}\n"), "events[0].backend: required; a backend"
                        + " id, like api-0"),
                Arguments.of(events("  - {kind: crash, backend: api-0, at: 1s, factor: 2}\n"), "events[0].factor: not a key of event kind crash; allowed here: kind, backend, at"),
                Arguments.of(events("  - {kind: recover, backend: api-0, at: 5s}\n"), "events[0].at: '5s'"
                        + " is not before the end of the run (2s); an event must happen during the run"),
                Arguments.of(events("  - {kind: crash, backend: api-0}\n"), "events[0].at: required; a"
                        + " duration from 0s to 8784h with a unit (ns, us, ms, s, m, h), like 250ms or 10s"),
                Arguments.of(events("  - {kind: slowdown, backend: api-0, at: 1s, duration: 1s, factor: 0.5}\n"),
                        "events[0].factor: 0.5 is out of range; a number from 1 to 1000000"),
                Arguments.of(events("  - {kind: slowdown, backend: api-0, at: 1s, factor: 2}\n"), "events[0].duration: required; a duration from 1ns to 8784h with a unit (ns, us, ms, s, m,"
                        + " h), like 250ms or 10s"),
                Arguments.of(events("  - {kind: stall, backend: api-0, at: 1s, duration: 0}\n"), "events[0].duration: 0 is out of range; a duration from 1ns to 8784h"),

                // ---- Load balancer.
                Arguments.of(DURATION + BACKENDS + WORKLOAD + "load-balancer: 2\n", "load-balancer: expected a mapping (key: value), got 2; the load-balancer settings"),
                Arguments.of(lb("retry: 2"), "load-balancer.retry: unknown key; allowed here: instances, network-delay, "
                        + "utilisation-report-interval, timeouts, retries, health-check, outlier-detection, "
                        + "session-persistence, picker-refresh, ewma-decay, adaptive-concurrency, rate-limits, load-view"),
                Arguments.of(lb("load-view: {interval: 100ms, staleness: 100ms}"), "load-balancer.load-view.staleness:"
                        + " must be longer than load-view.interval (100ms), or every report would be stale before the"
                        + " next; a few intervals is usual"),
                Arguments.of(lb("load-view: {staleness: 1s}"), "load-balancer.load-view.interval: required; a"
                        + " duration from 1ms to 1m with a unit (ns, us, ms, s, m, h), like 250ms or 10s"),
                Arguments.of(lb("load-view: {interval: 10ms, outage: {at: 1s}}"), "load-balancer.load-view.outage"
                        + ".duration: required; a duration from 1ms to 8784h with a unit (ns, us, ms, s, m, h), like"
                        + " 250ms or 10s"),
                Arguments.of(lb("instances: 0"), "load-balancer.instances: 0 is out of range; a whole number"
                        + " from 1 to 10000"),
                Arguments.of(lb("network-delay: fast"), "load-balancer.network-delay: 'fast' is not a duration; a duration, or a distribution, "
                        + "like {distribution: exponential, mean: 10ms}"),
                Arguments.of(lb("network-delay: {distribution: constant, mean: -1ms}"), "load-balancer.network-delay.mean: '-1ms' is not a duration; a duration from 0s to 8784h"
                        + " with a unit (ns, us, ms, s, m, h), like 250ms or 10s"),
                Arguments.of(lb("network-delay: {distribution: exponential, mean: 0}"), "load-balancer.network-delay.mean: 0 is out of range; a duration from 1ns to 8784h"),
                Arguments.of(lb("timeout: -1s"), "load-balancer.timeout: renamed: write timeouts.response (each attempt's response "
                        + "timeout; 30s when not given)"),
                Arguments.of(lb("connect-timeout: 0"), "load-balancer.connect-timeout: renamed: write timeouts.connect"),
                Arguments.of(lb("retries: {attempts: 2}"), "load-balancer.retries.attempts: renamed: write max-retries (the same number: retries "
                        + "after the first attempt)"),
                Arguments.of(lb("retries: {max-attempts: 11}"), "load-balancer.retries.max-attempts: renamed: write max-retries, which counts retries "
                        + "only: max-attempts N is max-retries N-1"),
                Arguments.of(lb("retries: {budget: 2}"), "load-balancer.retries.budget: renamed: write budget-percent: the budget is now Envoy's, "
                        + "retries under way as a percentage of requests under way (e.g. budget: 0.2 becomes "
                        + "budget-percent: 20)"),
                Arguments.of(lb("retries: {on-timeout: maybe}"), "load-balancer.retries.on-timeout: renamed: write idempotent-only: false (retry timeouts "
                        + "of every method); by default a timeout is retried only for an idempotent request-method"),
                Arguments.of(lb("health-check: {work: 1ms}"), "load-balancer.health-check.work: renamed: write"
                        + " backends[].health-check-work (the work of answering a check is part of the backend's"
                        + " capacity model)"),
                Arguments.of(lb("health-check: {colour: red}"), "load-balancer.health-check.colour: unknown key;"
                        + " allowed here: type, path, interval, fastinter, downinter, timeout, rise, fall, expect-status,"
                        + " initial-state, service"),
                Arguments.of(lb("health-check: {rise: 0}"), "load-balancer.health-check.rise: 0 is out of"
                        + " range; a whole number from 1 to 1000"),
                Arguments.of(lb("health-check: {fall: 1001}"), "load-balancer.health-check.fall: 1001 is out"
                        + " of range; a whole number from 1 to 1000"),
                Arguments.of(lb("health-check: {interval: 500us}"), "load-balancer.health-check.interval: 500us is out of range; a duration from 1ms to 24h"),
                Arguments.of(lb("health-check: {timeout: 0}"), "load-balancer.health-check.timeout: 0 is out of range; a duration from 1ms to 1h"),
                Arguments.of(lb("utilisation-report-interval: often"), "load-balancer.utilisation-report-interval: 'often' is not a duration; a duration from 0s"
                        + " to 8784h with a unit (ns, us, ms, s, m, h), like 250ms or 10s"),
                Arguments.of(lb("ewma-decay: 0"), "load-balancer.ewma-decay: 0 is out of range; a duration from 1ms to 1h"),
                Arguments.of(lb("picker-refresh: x"), "load-balancer.picker-refresh: 'x' is not a duration; a duration from 0s to 1h with a "
                        + "unit (ns, us, ms, s, m, h), like 250ms or 10s"),

                // ---- The load balancer's policy: the policy model's keys, ranges and wording, as in a proxy config.
                Arguments.of(lb("timeouts: {response: 0s, connect: 2h}"), "load-balancer.timeouts.connect: 2h is out of"
                        + " range; a duration from 1ms to 1h\nload-balancer.timeouts.response: 0s is out of range; a"
                        + " duration from 1ms to 24h"),
                Arguments.of(lb("retries: {max-retries: 11, budget-percent: 101, min-retry-concurrency: x,"
                        + " idempotent-only: maybe}"), "load-balancer.retries.max-retries: 11 is out of range; a whole"
                        + " number from 0 to 10\nload-balancer.retries.budget-percent: 101 is out of range; a whole"
                        + " number from 0 to 100\nload-balancer.retries.min-retry-concurrency: 'x' is not a whole"
                        + " number; a whole number from 0 to 10000\nload-balancer.retries.idempotent-only: 'maybe' is"
                        + " not allowed; write true or false"),
                Arguments.of(lb("health-check: {interval: 1s, timeout: 2s}"), "load-balancer.health-check.timeout: 2s"
                        + " is longer than the interval (1s); a check must end before the next one is due"),
                Arguments.of(lb("health-check: {initial-state: sideways}"), "load-balancer.health-check.initial-state:"
                        + " 'sideways' is not allowed; one of fully-up, up, down, fully-down"),
                Arguments.of(lb("outlier-detection: {consecutive-5xx: -1, max-ejection-percent: 101, latency-factor:"
                        + " 0.5}"), "load-balancer.outlier-detection.consecutive-5xx: -1 is out of range; a whole number"
                        + " from 0 to 10000\nload-balancer.outlier-detection.max-ejection-percent: 101 is out of range;"
                        + " a whole number from 0 to 100\nload-balancer.outlier-detection.latency-factor: 0.5 is out of"
                        + " range; 0 (rule off) or a number > 1 and <= 1000"),
                Arguments.of(lb("outlier-detection: {consecutiveFailures: 3}"),
                        "load-balancer.outlier-detection.consecutiveFailures: renamed: write consecutive-5xx (the same"
                                + " count: 5xx, connect failures, resets and timeouts in a row)"),
                Arguments.of(lb("session-persistence: {mode: sticky, name: 'a b', idle-ttl: 200h}"),
                        "load-balancer.session-persistence.mode: 'sticky' is not allowed; one of none, cookie, header,"
                                + " source, client-cert\nload-balancer.session-persistence.name: 'a b' is not a valid cookie or header"
                                + " name (letters, digits and !#$%&'*+-.^_`|~)\nload-balancer.session-persistence.idle-ttl:"
                                + " 200h is out of range; a duration from 1ms to 168h"),
                Arguments.of(lb("picker-refresh: 2h"), "load-balancer.picker-refresh: 2h is out of range; a duration"
                        + " from 0s to 1h"),
                Arguments.of(DURATION + BACKENDS + WORKLOAD + "request-method: 'GET /'\n", "request-method: 'GET /' is"
                        + " not an HTTP method, like GET or POST"),
                Arguments.of(group(API + "health-check-work: x"), "backends[0].health-check-work: 'x' is not a"
                        + " duration; a duration from 0s to 24h with a unit (ns, us, ms, s, m, h), like 250ms or 10s"),
                Arguments.of(group("name: api\ncount: 2\nids: [a, b]\nservice-time: {distribution: constant, mean:"
                        + " 1ms}"), "backends[0].count: give either count or ids, not both (ids: one backend per id)"),
                Arguments.of(group("name: api\nids: [a, 'b c']\nservice-time: {distribution: constant, mean: 1ms}"),
                        "backends[0].ids[1]: 'b c' is not allowed; 1 to 128 letters, digits, '-', '_', '.' or '~'"),
                Arguments.of(DURATION + BACKENDS + WORKLOAD + "proxy-cluster: c\n", "proxy-cluster: names a cluster of a"
                        + " proxy config, and this scenario has no proxy-config"),

                // ---- Strategies.
                Arguments.of(strategies("some"), "strategies: 'some' is not allowed; 'all', or a list of"
                        + " strategy names or {name, label, params, wrappers} mappings"),
                Arguments.of(strategies("[]"), "strategies: [] is not allowed; 'all', or a list of strategy"
                        + " names or {name, label, params, wrappers} mappings"),
                Arguments.of(strategies("[nope]"), "strategies[0]: unknown strategy 'nope'; valid"
                        + " strategies: " + strategyNames),
                Arguments.of(strategies("[3]"), "strategies[0]: expected a mapping (key: value), got 3; a strategy name or a {name, "
                        + "label, params, wrappers} mapping"),
                Arguments.of(strategies("[{label: x}]"), "strategies[0].name: required; a strategy name;"
                        + " valid strategies: " + strategyNames),
                Arguments.of(strategies("[{name: random, parameters: {}}]"), "strategies[0].parameters: unknown key; allowed here: name, label, params, wrappers"),
                Arguments.of(strategies("[{name: random, label: ' '}]"), "strategies[0].label: empty; give"
                        + " a label or leave it out (the strategy name)"),
                Arguments.of(strategies("[{name: p2c-least-request, params: {choices: 1}}]"), "strategies[0]: strategy 'p2c-least-request': parameter 'choices' must be in 2..16, got 1"),
                Arguments.of(strategies("[{name: p2c-least-request, params: {choices: [2, 3]}}]"), "strategies[0].params.choices: [2, 3] is not allowed; a single value (number, "
                        + "true/false, text or a duration like 10s)"),
                Arguments.of(strategies("[{name: round-robin, params: {x: 1}}]"), "strategies[0]: strategy"
                        + " 'round-robin': unknown parameter 'x'; allowed: none"),
                Arguments.of(strategies("[{name: random, params: 3}]"), "strategies[0].params: expected a mapping (key: value), got 3; parameters as name: value"),
                Arguments.of(strategies("[{name: random, wrappers: [sticky]}]"), "strategies[0]: unknown"
                        + " wrapper 'sticky'; valid wrappers: " + wrapperNames),
                Arguments.of(strategies("[{name: random, wrappers: [{name: slow-start, params: {window: 0s}}]}]"),
                        "strategies[0]: wrapper 'slow-start': parameter 'window' must be in 1ms..24h, got 0s"),
                Arguments.of(strategies("[{name: random, wrappers: [{params: {}}]}]"), "strategies[0].wrappers[0].name: required; a wrapper name; valid wrappers: "
                        + wrapperNames),
                Arguments.of(strategies("[{name: random, wrappers: [{name: slow-start, window: 1s}]}]"), "strategies[0].wrappers[0].window: unknown key; allowed here: name, params"),
                Arguments.of(strategies("[{name: random, wrappers: []}]"), "strategies[0].wrappers: expected"
                        + " a non-empty list, got []; a list of wrapper names or {name, params} mappings; valid"
                        + " wrappers: " + wrapperNames),
                Arguments.of(strategies("[round-robin, random, round-robin]"), "strategies[2]: the label"
                        + " 'round-robin' is used twice; give each entry its own label"),

                // ---- Workload (parsed by the workload package; its messages pass through).
                Arguments.of(DURATION + BACKENDS, "workload: required; a workload with a kind, one of"
                        + " poisson, periodic, diurnal, mmpp, synchronised-access, reconnect-storm, mixture, trace (see"
                        + " scenarios/workloads-example.yaml)"),
                Arguments.of(DURATION + BACKENDS + "workload: {kind: poisson}\n", "workload.rate: required;"
                        + " a rate > 0 in requests per second, like 5000, 5000/s, 300/min or 12/h"),

                // ---- Sweep.
                Arguments.of(DURATION + BACKENDS + WORKLOAD + "sweep: {parameter: servers, values: [1]}\n", "sweep.parameter: 'servers' is not allowed; one of load, rate-multiplier"),
                Arguments.of(DURATION + BACKENDS + WORKLOAD + "sweep: {parameter: load, value: [1]}\n", "sweep.value: unknown key; allowed here: parameter, values\nsweep.values: required; a "
                        + "list of numbers > 0, like [0.5, 0.7, 0.9]"),
                Arguments.of(DURATION + BACKENDS + WORKLOAD + "sweep: {parameter: load, values: []}\n", "sweep.values: expected a non-empty list, got []; a list of numbers > 0, like [0.5, 0.7,"
                        + " 0.9]"),
                Arguments.of(DURATION + BACKENDS + WORKLOAD + "sweep: {parameter: load, values: [0.5, 0]}\n",
                        "sweep.values[1]: 0 is out of range; a number > 0 and <= 10"),
                Arguments.of(DURATION + BACKENDS + WORKLOAD + "sweep: {parameter: rate-multiplier, values: [x]}\n",
                        "sweep.values[0]: 'x' is not a number; a number > 0 and <= 1000000"),
                Arguments.of(DURATION + BACKENDS + "workload: {kind: reconnect-storm, devices: 10}\n"
                        + "sweep: {parameter: load, values: [0.5]}\n", "sweep.parameter: load needs a"
                        + " workload with a known mean rate, and '" + stormDescription() + "' has none (a trace, a"
                        + " one-off burst or a storm); use rate-multiplier"));
    }

    private static String stormDescription() {
        return Workloads.parse("workload: {kind: reconnect-storm, devices: 10}\n", "w.yaml", Path.of("")).describe();
    }

    /** Every problem of an invalid scenario as "path: message", one a line; lines are checked below. */
    static String problems(String yaml) {
        try {
            parse(yaml);
        } catch (ConfigException e) {
            assertThat(e.errors()).allSatisfy(x -> assertThat(x.source()).isEqualTo("t.yaml"));
            return String.join("\n", e.errors().stream()
                    .map(x -> x.path().isEmpty() ? x.message() : x.path() + ": " + x.message()).toList());
        }
        throw new AssertionError("expected errors for:\n" + yaml);
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void anInvalidScenarioNamesThePathAndWhatIsAllowed(String yaml, String message) {
        assertThat(problems(yaml)).isEqualTo(message);
    }

    @Test
    void everyProblemIsReportedAtOnceEachAtItsLine() {
        String yaml = """
                duration: 2s
                warmup: 1s
                backends:
                  - name: api
                    servers: 0
                    service-time: {distribution: exponential, mean: 1ms}
                load-balancer:
                  timeout: 1s
                  retries: {max-attempts: 3, budget: 0.2}
                workload: {kind: poisson, rate: fast}
                """;
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessage(String.join("\n",
                "t.yaml:2: warmup: renamed: write warm-up",
                "t.yaml:5: backends[0].servers: 0 is out of range; a whole number from 1 to 1000000",
                "t.yaml:8: load-balancer.timeout: renamed: write timeouts.response (each attempt's response"
                        + " timeout; 30s when not given)",
                "t.yaml:9: load-balancer.retries.max-attempts: renamed: write max-retries, which counts retries"
                        + " only: max-attempts N is max-retries N-1",
                "t.yaml:9: load-balancer.retries.budget: renamed: write budget-percent: the budget is now Envoy's,"
                        + " retries under way as a percentage of requests under way (e.g. budget: 0.2 becomes"
                        + " budget-percent: 20)",
                "t.yaml:10: workload.rate: 'fast' is not a rate; a rate > 0 in requests per second, like 5000,"
                        + " 5000/s, 300/min or 12/h"));
    }

    @Test
    void malformedYamlNamesTheLineAndColumn() {
        assertThatThrownBy(() -> parse("duration: [1s\nbackends: x\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("t.yaml:2: not valid YAML (column ");
    }

    @Test
    void aRepeatedKeyIsAnError() {
        assertThatThrownBy(() -> parse(DURATION + DURATION + BACKENDS + WORKLOAD))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("t.yaml:2: not valid YAML (column ")
                .hasMessageContaining("Duplicate field 'duration'");
    }

    @Test
    void aMissingTraceFileNamesTheWorkloadPath() {
        assertThatThrownBy(() -> Scenarios.parse(DURATION + BACKENDS + "workload: {kind: trace, path: nope.csv,"
                + " time-unit: offset-ms}\n", "t", "t.yaml", Path.of("/nonexistent-dir"), Scenarios.Options.defaults()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("t.yaml:6: workload.path: trace file 'nope.csv' not found (resolved to ");
    }
}
