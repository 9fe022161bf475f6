package io.sluice.proxy;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.ParameterSpec;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two strategies for the proxy's tests, registered under test-only names so they never clash with
 * the real ones (round-robin, maglev...) on the merged class path: the proxy's tests depend on
 * what a strategy does, not on which module provides it.
 */
public final class TestStrategies {
    private TestStrategies() {
    }

    /** Strict rotation over the available endpoints in config order, like round-robin. */
    public static final class Rotation implements StrategyProvider {
        @Override
        public String name() {
            return "proxy-test-rotation";
        }

        @Override
        public String description() {
            return "test only: strict rotation";
        }

        @Override
        public List<ParameterSpec> parameters() {
            return List.of();
        }

        @Override
        public Strategy create(Parameters params, Environment env) {
            return new Strategy() {
                @Override
                public String name() {
                    return "proxy-test-rotation";
                }

                @Override
                public Picker newPicker(io.sluice.algorithms.EndpointSet endpoints) {
                    List<Endpoint> list = endpoints.available();
                    if (list.isEmpty()) {
                        return Picker.NONE;
                    }
                    AtomicLong next = new AtomicLong();
                    return ctx -> list.get((int) ((next.getAndIncrement() & Long.MAX_VALUE) % list.size()));
                }
            };
        }
    }

    /** The endpoint at keyHash mod n over available endpoints sorted by id: same key, same backend. */
    public static final class KeyHash implements StrategyProvider {
        @Override
        public String name() {
            return "proxy-test-key-hash";
        }

        @Override
        public String description() {
            return "test only: key hash modulo";
        }

        @Override
        public List<ParameterSpec> parameters() {
            return List.of();
        }

        @Override
        public Strategy create(Parameters params, Environment env) {
            return new Strategy() {
                @Override
                public String name() {
                    return "proxy-test-key-hash";
                }

                @Override
                public Picker newPicker(io.sluice.algorithms.EndpointSet endpoints) {
                    List<Endpoint> list = new ArrayList<>(endpoints.available());
                    list.sort(Comparator.comparing(Endpoint::id));
                    if (list.isEmpty()) {
                        return Picker.NONE;
                    }
                    return ctx -> list.get((int) Long.remainderUnsigned(ctx.keyHash(), list.size()));
                }
            };
        }
    }
}
