package io.sluice.algorithms;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a user asks for: a strategy by name with raw parameters, optionally inside wrappers
 * (applied in list order, the first one innermost). The form configs and scenarios deserialise to;
 * {@link StrategyRegistry#create(StrategySpec, Environment)} validates and builds it. Compared by
 * value, so a proxy reload can tell an unchanged strategy.
 */
public final class StrategySpec {
    /** One wrapper by name with raw parameters. */
    public static final class WrapperSpec {
        private final String name;
        private final Map<String, Object> params;

        public WrapperSpec(String name, Map<String, ?> params) {
            this.name = Objects.requireNonNull(name, "wrapper name");
            this.params = Map.copyOf(params);
        }

        public String name() {
            return name;
        }

        public Map<String, Object> params() {
            return params;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WrapperSpec w && name.equals(w.name) && params.equals(w.params);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, params);
        }

        @Override
        public String toString() {
            return name + (params.isEmpty() ? "" : params.toString());
        }
    }

    private final String name;
    private final Map<String, Object> params;
    private final List<WrapperSpec> wrappers;

    public StrategySpec(String name, Map<String, ?> params, List<WrapperSpec> wrappers) {
        this.name = Objects.requireNonNull(name, "strategy name");
        this.params = Map.copyOf(params);
        this.wrappers = List.copyOf(wrappers);
    }

    /** A bare strategy with default parameters. */
    public static StrategySpec of(String name) {
        return new StrategySpec(name, Map.of(), List.of());
    }

    public static StrategySpec of(String name, Map<String, ?> params) {
        return new StrategySpec(name, params, List.of());
    }

    public String name() {
        return name;
    }

    public Map<String, Object> params() {
        return params;
    }

    public List<WrapperSpec> wrappers() {
        return wrappers;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StrategySpec s && name.equals(s.name) && params.equals(s.params)
                && wrappers.equals(s.wrappers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, params, wrappers);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name);
        if (!params.isEmpty()) {
            sb.append(params);
        }
        for (WrapperSpec w : wrappers) {
            sb.append(" +").append(w);
        }
        return sb.toString();
    }
}
