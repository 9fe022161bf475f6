package io.sluice.proxy.metrics;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The JVM's own metrics (memory and its pools, garbage collection, threads, class loading, JIT,
 * buffer pools, runtime info, process CPU and file descriptors), from the Prometheus client's JVM
 * instrumentation. They describe the process, not one proxy, so there is one registry per JVM: a
 * second proxy in the same JVM (tests) shares it instead of adding another set of GC listeners.
 */
final class JvmRegistry {
    private static final PrometheusRegistry REGISTRY = create();

    private JvmRegistry() {
    }

    static PrometheusRegistry get() {
        return REGISTRY;
    }

    private static PrometheusRegistry create() {
        PrometheusRegistry r = new PrometheusRegistry();
        JvmMetrics.builder().register(r);
        return r;
    }
}
