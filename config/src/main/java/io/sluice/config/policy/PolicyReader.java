package io.sluice.config.policy;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Range;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.StrategySpec;
import io.sluice.algorithms.affinity.AffinityConfig;
import io.sluice.algorithms.concurrency.GradientLimit;
import io.sluice.algorithms.health.HealthCheckConfig;
import io.sluice.algorithms.health.InitialState;
import io.sluice.algorithms.health.OutlierConfig;
import io.sluice.algorithms.policy.AffinityPolicy;
import io.sluice.algorithms.policy.ClusterPolicy;
import io.sluice.algorithms.policy.HealthCheckPolicy;
import io.sluice.algorithms.policy.PickerRefresh;
import io.sluice.algorithms.policy.RetryPolicy;
import io.sluice.algorithms.policy.Timeouts;
import io.sluice.config.Problems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The validation pass of the policy sections both files share ({@code strategy}, {@code health-check},
 * {@code outlier-detection}, {@code timeouts}, {@code retries}, {@code session-persistence},
 * {@code picker-refresh}, {@code ewma-decay}, {@code adaptive-concurrency}): each setting goes through the policy builders of the
 * algorithms module, so their ranges and wording are the only ones, and a refused setting becomes an
 * error at its YAML path.
 */
public final class PolicyReader {
    private final Problems problems;
    private final StrategyRegistry registry;

    public PolicyReader(Problems problems, StrategyRegistry registry) {
        this.problems = problems;
        this.registry = registry;
    }

    /**
     * The policy sections of one cluster (or one scenario's load-balancer tier) with their strategy.
     *
     * @param path     the mapping that holds the sections ({@code clusters[0]}, {@code load-balancer})
     * @param strategy the strategy, already read (null when it had errors: the rest is still checked)
     * @return the policy, or null when the strategy or any section had an error
     */
    public ClusterPolicy policy(String path, StrategySpec strategy, HealthCheckSection health,
                                OutlierSection outliers, TimeoutsSection timeouts, RetriesSection retries,
                                SessionPersistenceSection persistence, Duration pickerRefresh, Duration ewmaDecay,
                                AdaptiveConcurrencySection adaptiveConcurrency) {
        int before = problems.errors().size();
        ClusterPolicy.Builder b = ClusterPolicy.builder(strategy == null ? StrategySpec.of("round-robin") : strategy);
        b.healthCheck(healthCheck(Problems.join(path, "health-check"), health));
        b.outlierDetection(outliers(Problems.join(path, "outlier-detection"), outliers));
        Timeouts t = timeouts(Problems.join(path, "timeouts"), timeouts);
        if (t != null) {
            b.timeouts(t);
        }
        RetryPolicy r = retries(Problems.join(path, "retries"), retries);
        if (r != null) {
            b.retries(r);
        }
        AffinityPolicy a = persistence(Problems.join(path, "session-persistence"), persistence);
        if (a != null) {
            b.affinity(a);
        }
        String refreshPath = Problems.join(path, "picker-refresh");
        Long refresh = problems.duration(refreshPath, pickerRefresh, PickerRefresh.PERIOD,
                PickerRefresh.DEFAULT_PERIOD_NANOS);
        problems.apply(path, () -> b.pickerRefresh(new PickerRefresh(refresh)));
        Long decay = problems.duration(Problems.join(path, "ewma-decay"), ewmaDecay, ClusterPolicy.EWMA_DECAY,
                io.sluice.algorithms.LoadBalancer.DEFAULT_EWMA_DECAY_NANOS);
        problems.apply(path, () -> b.ewmaDecay(decay));
        b.adaptiveConcurrency(adaptiveConcurrency(Problems.join(path, "adaptive-concurrency"), adaptiveConcurrency));
        if (strategy == null || problems.errors().size() > before) {
            return null;
        }
        return b.build();
    }

    /**
     * A strategy section, checked by building it with the registry, as both runtimes will.
     *
     * @param labelAllowed whether {@code label} may be given (scenario entries)
     * @return the spec, or null after recording its errors
     */
    public StrategySpec strategy(String path, StrategySection s, boolean labelAllowed) {
        if (s == null) {
            return null;
        }
        int before = problems.errors().size();
        String name = problems.text(Problems.join(path, "name"), s.name(), null,
                "a strategy name; valid strategies: " + String.join(", ", registry.strategyNames()));
        if (s.label() != null && !labelAllowed) {
            problems.error(Problems.join(path, "label"), "only a scenario's strategies take a label");
        }
        Map<String, Object> params = params(Problems.join(path, "params"), s.params());
        List<StrategySpec.WrapperSpec> wrappers = new ArrayList<>();
        if (s.wrappers() != null) {
            String wp = Problems.join(path, "wrappers");
            if (s.wrappers().isEmpty()) {
                problems.error(wp, "expected a non-empty list, got []; a list of wrapper names or {name, params}"
                        + " mappings; valid wrappers: " + String.join(", ", registry.wrapperNames()));
            }
            for (int i = 0; i < s.wrappers().size(); i++) {
                String at = Problems.index(wp, i);
                WrapperSection w = s.wrappers().get(i);
                if (w == null) {
                    continue;
                }
                String wname = problems.text(Problems.join(at, "name"), w.name(), null, "a wrapper name; valid"
                        + " wrappers: " + String.join(", ", registry.wrapperNames()));
                Map<String, Object> wparams = params(Problems.join(at, "params"), w.params());
                if (wname != null) {
                    wrappers.add(new StrategySpec.WrapperSpec(wname.trim(), wparams));
                }
            }
        }
        if (name == null || problems.errors().size() > before) {
            return null;
        }
        StrategySpec spec = new StrategySpec(name.trim(), params, wrappers);
        try {
            registry.create(spec, Environment.virtual(() -> 0L, 0L));
        } catch (IllegalArgumentException e) {
            problems.error(path, e.getMessage());
            return null;
        }
        return spec;
    }

    /** Parameter values as the registry takes them: whole numbers as Long, other numbers as Double. */
    private Map<String, Object> params(String path, Map<String, Object> raw) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (raw == null) {
            problems.value(path, null, out, "parameters as name: value");
            return out;
        }
        raw.forEach((k, v) -> {
            if (v instanceof Integer || v instanceof Long || v instanceof Short) {
                out.put(k, ((Number) v).longValue());
            } else if (v instanceof Number n) {
                out.put(k, n.doubleValue());
            } else if (v instanceof Boolean || v instanceof String) {
                out.put(k, v);
            } else {
                problems.error(Problems.join(path, k), (v == null ? "nothing" : v.toString()) + " is not allowed; a"
                        + " single value (number, true/false, text or a duration like 10s)");
            }
        });
        return out;
    }

    private HealthCheckPolicy healthCheck(String path, HealthCheckSection s) {
        if (s == null) {
            return null;
        }
        String type = problems.choice(Problems.join(path, "type"), s.type(), List.of("http", "tcp", "mqtt", "coap", "grpc", "none"),
                "http");
        HealthCheckPolicy.Builder b = HealthCheckPolicy.builder();
        if (type != null && !type.equals("none")) {
            problems.apply(path, () -> b.type(HealthCheckPolicy.Type.valueOf(type.toUpperCase(Locale.ROOT))));
        }
        if (s.path() != null) {
            problems.apply(path, () -> b.path(s.path()));
        }
        if (s.service() != null) {
            if ("grpc".equals(type)) {
                problems.apply(path, () -> b.service(s.service()));
            } else {
                problems.error(Problems.join(path, "service"), "is for type: grpc only (this check's type is "
                        + type + ")");
            }
        }
        setDuration(path, "interval", s.interval(), HealthCheckConfig.INTERVAL, b::interval);
        setDuration(path, "fastinter", s.fastinter(), HealthCheckConfig.INTERVAL, b::fastinter);
        setDuration(path, "downinter", s.downinter(), HealthCheckConfig.INTERVAL, b::downinter);
        setDuration(path, "timeout", s.timeout(), HealthCheckPolicy.TIMEOUT, b::timeout);
        setWhole(path, "rise", s.rise(), HealthCheckConfig.COUNT, b::rise);
        setWhole(path, "fall", s.fall(), HealthCheckConfig.COUNT, b::fall);
        String expectPath = Problems.join(path, "expect-status");
        String expect = problems.text(expectPath, s.expectStatus(), "", "a status like 200 or a range like 200-399");
        if (expect != null && !expect.isEmpty()) {
            String[] parts = expect.trim().split("-", -1);
            try {
                int lo = Integer.parseInt(parts[0].trim());
                int hi = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : lo;
                if (parts.length > 2) {
                    throw new NumberFormatException();
                }
                problems.apply(path, () -> b.expectStatus(lo, hi));
            } catch (NumberFormatException e) {
                problems.error(expectPath, "'" + expect + "' is not a status like 200 or a range like 200-399 within"
                        + " 100-599");
            }
        }
        String initialPath = Problems.join(path, "initial-state");
        // "" stands for "not given": the state machine's default (HAProxy's up) applies.
        String initial = problems.choice(initialPath, s.initialState(), List.of("fully-up", "up", "down",
                "fully-down"), "");
        if (initial != null && !initial.isEmpty()) {
            b.initialState(InitialState.valueOf(initial.toUpperCase(Locale.ROOT).replace('-', '_')));
        }
        HealthCheckPolicy[] built = new HealthCheckPolicy[1];
        problems.apply(path, () -> built[0] = b.build());
        return "none".equals(type) ? null : built[0];
    }

    private OutlierConfig outliers(String path, OutlierSection s) {
        if (s == null) {
            return null;
        }
        OutlierConfig.Builder b = OutlierConfig.builder();
        setWhole(path, "consecutive-5xx", s.consecutive5xx(), OutlierConfig.CONSECUTIVE, b::consecutive5xx);
        setWhole(path, "consecutive-gateway-failure", s.consecutiveGatewayFailure(), OutlierConfig.CONSECUTIVE,
                b::consecutiveGatewayFailure);
        setDuration(path, "interval", s.interval(), OutlierConfig.INTERVAL, b::interval);
        setDuration(path, "base-ejection-time", s.baseEjectionTime(), OutlierConfig.EJECTION_TIME, b::baseEjectionTime);
        setDuration(path, "max-ejection-time", s.maxEjectionTime(), OutlierConfig.EJECTION_TIME, b::maxEjectionTime);
        setWhole(path, "max-ejection-percent", s.maxEjectionPercent(), OutlierConfig.PERCENT, b::maxEjectionPercent);
        if (s.alwaysEjectOneHost() != null || problems.isBad(Problems.join(path, "always-eject-one-host"))) {
            b.alwaysEjectOneHost(problems.bool(Problems.join(path, "always-eject-one-host"), s.alwaysEjectOneHost(),
                    false));
        }
        String factorPath = Problems.join(path, "latency-factor");
        if (problems.isBad(factorPath)) {
            problems.value(factorPath, null, 0.0, "0 (rule off) or " + OutlierConfig.LATENCY_FACTOR.describe());
        } else if (s.latencyFactor() != null) {
            problems.apply(path, () -> b.latencyFactor(s.latencyFactor()));
        }
        setWhole(path, "latency-minimum-requests", s.latencyMinimumRequests(), OutlierConfig.MINIMUM_REQUESTS,
                b::latencyMinimumRequests);
        setWhole(path, "latency-minimum-hosts", s.latencyMinimumHosts(), OutlierConfig.MINIMUM_HOSTS,
                b::latencyMinimumHosts);
        setDuration(path, "ewma-decay", s.ewmaDecay(), OutlierConfig.EWMA_DECAY, b::ewmaDecay);
        OutlierConfig[] built = new OutlierConfig[1];
        problems.apply(path, () -> built[0] = b.build());
        return built[0];
    }

    /** {@code adaptive-concurrency}: limits from 1 to 100000 requests in flight. */
    public static final Range CONCURRENCY = Range.wholeNumber(1, 100_000);
    static final Range TOLERANCE = Range.number(1, 100);
    static final Range SMOOTHING = Range.numberAbove(0, 1);
    static final Range WINDOWS = Range.wholeNumber(1, 1_000_000);

    /** The settings of {@code adaptive-concurrency}, or null when absent, disabled or wrong (after an error). */
    private GradientLimit.Settings adaptiveConcurrency(String path, AdaptiveConcurrencySection s) {
        if (s == null) {
            return null;
        }
        GradientLimit.Settings d = GradientLimit.Settings.defaults();
        boolean enabled = problems.bool(Problems.join(path, "enabled"), s.enabled(), true);
        Integer initial = problems.integer(Problems.join(path, "initial-limit"), s.initialLimit(), CONCURRENCY,
                d.initialLimit());
        Integer min = problems.integer(Problems.join(path, "min-limit"), s.minLimit(), CONCURRENCY, d.minLimit());
        Integer max = problems.integer(Problems.join(path, "max-limit"), s.maxLimit(), CONCURRENCY, d.maxLimit());
        Double tolerance = problems.number(Problems.join(path, "tolerance"), s.tolerance(), TOLERANCE, d.tolerance());
        Double smoothing = problems.number(Problems.join(path, "smoothing"), s.smoothing(), SMOOTHING, d.smoothing());
        Integer sample = problems.integer(Problems.join(path, "sample-size"), s.sampleSize(), WINDOWS, d.sampleSize());
        Integer every = problems.integer(Problems.join(path, "probe-every"), s.probeEvery(), WINDOWS, d.probeEvery());
        Integer probe = problems.integer(Problems.join(path, "probe-limit"), s.probeLimit(), CONCURRENCY,
                d.probeLimit());
        if (initial == null || min == null || max == null || tolerance == null || smoothing == null || sample == null
                || every == null || probe == null) {
            return null;
        }
        // Unset, the initial limit follows min-limit and max-limit into their range.
        int start = s.initialLimit() == null ? Math.max(min, Math.min(max, initial)) : initial;
        try {
            GradientLimit.Settings settings = new GradientLimit.Settings(start, min, max, tolerance, smoothing,
                    sample, every, probe);
            return enabled ? settings : null;
        } catch (IllegalArgumentException e) {
            problems.error(path, e.getMessage());
            return null;
        }
    }

    private Timeouts timeouts(String path, TimeoutsSection s) {
        if (s == null) {
            return Timeouts.defaults();
        }
        Long connect = problems.duration(Problems.join(path, "connect"), s.connect(), Timeouts.CONNECT,
                Timeouts.DEFAULT_CONNECT_NANOS);
        Long response = problems.duration(Problems.join(path, "response"), s.response(), Timeouts.RESPONSE,
                Timeouts.DEFAULT_RESPONSE_NANOS);
        return new Timeouts(connect, response);
    }

    private RetryPolicy retries(String path, RetriesSection s) {
        if (s == null) {
            return RetryPolicy.defaults();
        }
        RetryPolicy.Builder b = RetryPolicy.builder();
        setWhole(path, "max-retries", s.maxRetries(), RetryPolicy.MAX_RETRIES, b::maxRetries);
        setWhole(path, "budget-percent", s.budgetPercent(), RetryPolicy.BUDGET_PERCENT, b::budgetPercent);
        setWhole(path, "min-retry-concurrency", s.minRetryConcurrency(), RetryPolicy.MIN_RETRY_CONCURRENCY,
                b::minRetryConcurrency);
        b.idempotentOnly(problems.bool(Problems.join(path, "idempotent-only"), s.idempotentOnly(), true));
        List<String> grpc = problems.value(Problems.join(path, "grpc-retry-on"), s.grpcRetryOn(), List.of(),
                "a list of gRPC statuses: " + RetryPolicy.GRPC_RETRYABLE.keySet().stream().sorted().toList());
        problems.apply(path, () -> b.grpcRetryOn(grpc));
        return b.build();
    }

    private AffinityPolicy persistence(String path, SessionPersistenceSection s) {
        if (s == null) {
            return AffinityPolicy.none();
        }
        AffinityPolicy.Builder b = AffinityPolicy.builder();
        String mode = problems.choice(Problems.join(path, "mode"), s.mode(), List.of("none", "cookie", "header",
                "source", "client-cert"), "none");
        if (mode != null) {
            b.mode(AffinityPolicy.Mode.valueOf(mode.toUpperCase(Locale.ROOT).replace('-', '_')));
        }
        String identity = problems.choice(Problems.join(path, "identity"), s.identity(), List.of("fingerprint",
                "subject", "uri", "dns"), "fingerprint");
        if (s.identity() != null && !"client-cert".equals(mode)) {
            problems.error(Problems.join(path, "identity"), "applies to mode client-cert only (mode is " + mode + ")");
        }
        if (identity != null) {
            b.identity(AffinityPolicy.Identity.valueOf(identity.toUpperCase(Locale.ROOT)));
        }
        if (s.name() != null) {
            problems.apply(path, () -> b.name(s.name()));
        }
        b.stickTable(problems.bool(Problems.join(path, "stick-table"), s.stickTable(), true));
        setDuration(path, "idle-ttl", s.idleTtl(), AffinityConfig.IDLE_TTL, b::idleTtl);
        setWhole(path, "max-entries", s.maxEntries(), AffinityConfig.MAX_ENTRIES, b::maxEntries);
        setWhole(path, "stripes", s.stripes(), AffinityConfig.STRIPES, b::stripes);
        return b.build();
    }

    /**
     * Sets a whole-number setting when given, checked against {@code range} (the builder's own) with
     * the value shown as written; a value of the wrong type, recorded while binding, is reported with
     * the range.
     */
    private void setWhole(String path, String key, Long value, Range range, java.util.function.IntConsumer setter) {
        Long v = problems.wholeNumber(Problems.join(path, key), value, range, Long.MIN_VALUE);
        if (v != null && v != Long.MIN_VALUE) {
            problems.apply(path, () -> setter.accept((int) (long) v));
        }
    }

    /** As {@link #setWhole} for a duration setting. */
    private void setDuration(String path, String key, Duration value, Range range,
                             java.util.function.LongConsumer setter) {
        Long v = problems.duration(Problems.join(path, key), value, range, Long.MIN_VALUE);
        if (v != null && v != Long.MIN_VALUE) {
            problems.apply(path, () -> setter.accept(v));
        }
    }
}
