package io.sluice.algorithms;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Every strategy and wrapper known by name: the built-ins and any custom ones found through
 * {@link ServiceLoader} ({@link StrategyProvider}, {@link WrapperProvider}). Immutable once loaded.
 *
 * <p>Unknown names and bad parameters give an {@link IllegalArgumentException} that lists the
 * valid names or names the parameter and its allowed values.
 */
public final class StrategyRegistry {
    private static volatile StrategyRegistry standard;

    private final Map<String, StrategyProvider> strategies;
    private final Map<String, WrapperProvider> wrappers;

    private StrategyRegistry(Map<String, StrategyProvider> strategies, Map<String, WrapperProvider> wrappers) {
        this.strategies = Collections.unmodifiableMap(strategies);
        this.wrappers = Collections.unmodifiableMap(wrappers);
    }

    /** The registry of this class's class loader, loaded once. */
    public static StrategyRegistry standard() {
        StrategyRegistry r = standard;
        if (r == null) {
            synchronized (StrategyRegistry.class) {
                r = standard;
                if (r == null) {
                    r = load(StrategyRegistry.class.getClassLoader());
                    standard = r;
                }
            }
        }
        return r;
    }

    /**
     * Loads every provider visible to {@code loader}.
     *
     * @throws IllegalStateException when two providers share a name
     */
    public static StrategyRegistry load(ClassLoader loader) {
        Map<String, StrategyProvider> s = new LinkedHashMap<>();
        for (StrategyProvider p : ServiceLoader.load(StrategyProvider.class, loader)) {
            StrategyProvider previous = s.putIfAbsent(p.name(), p);
            if (previous != null && previous.getClass() != p.getClass()) {
                throw new IllegalStateException("two strategies are named '" + p.name() + "': "
                        + previous.getClass().getName() + " and " + p.getClass().getName());
            }
        }
        Map<String, WrapperProvider> w = new LinkedHashMap<>();
        for (WrapperProvider p : ServiceLoader.load(WrapperProvider.class, loader)) {
            WrapperProvider previous = w.putIfAbsent(p.name(), p);
            if (previous != null && previous.getClass() != p.getClass()) {
                throw new IllegalStateException("two wrappers are named '" + p.name() + "': "
                        + previous.getClass().getName() + " and " + p.getClass().getName());
            }
        }
        return new StrategyRegistry(s, w);
    }

    /** Strategies in registration order (built-ins first, in the order of the services file). */
    public List<StrategyProvider> strategies() {
        return new ArrayList<>(strategies.values());
    }

    public List<WrapperProvider> wrappers() {
        return new ArrayList<>(wrappers.values());
    }

    public List<String> strategyNames() {
        return new ArrayList<>(strategies.keySet());
    }

    public List<String> wrapperNames() {
        return new ArrayList<>(wrappers.keySet());
    }

    /** @throws IllegalArgumentException listing the valid names */
    public StrategyProvider strategy(String name) {
        StrategyProvider p = strategies.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown strategy '" + name + "'; valid strategies: "
                    + String.join(", ", strategies.keySet()));
        }
        return p;
    }

    /** @throws IllegalArgumentException listing the valid names */
    public WrapperProvider wrapper(String name) {
        WrapperProvider p = wrappers.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown wrapper '" + name + "'; valid wrappers: "
                    + String.join(", ", wrappers.keySet()));
        }
        return p;
    }

    /** A strategy by name with default parameters. */
    public Strategy create(String name, Environment env) {
        return create(StrategySpec.of(name), env);
    }

    /** A strategy by name with raw parameters, validated. */
    public Strategy create(String name, Map<String, ?> params, Environment env) {
        return create(StrategySpec.of(name, params), env);
    }

    /** The strategy of {@code spec}, inside its wrappers, every parameter validated. */
    public Strategy create(StrategySpec spec, Environment env) {
        StrategyProvider p = strategy(spec.name());
        Strategy s = p.create(Parameters.parse("strategy '" + p.name() + "'", p.parameters(), spec.params()), env);
        for (StrategySpec.WrapperSpec ws : spec.wrappers()) {
            WrapperProvider w = wrapper(ws.name());
            s = w.wrap(s, Parameters.parse("wrapper '" + w.name() + "'", w.parameters(), ws.params()), env);
        }
        return s;
    }
}
