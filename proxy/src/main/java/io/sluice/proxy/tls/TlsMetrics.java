package io.sluice.proxy.tls;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The TLS metrics: {@code sluice_tls_certificate_expiry_seconds{listener,name}}, each served
 * certificate's notAfter as Unix time in seconds (alert on {@code ... - time() < 14*86400}), and
 * {@code sluice_tls_provider_info{provider}}, 1 for the provider this process uses;
 * {@code sluice_tls_handshakes_total{listener,version}}, handshakes completed by TLS version
 * ({@code TLSv1.2}, {@code TLSv1.3}), and {@code sluice_tls_handshake_failures_total{listener}},
 * both counted from when the listener's TLS was set up.
 */
public final class TlsMetrics {
    private TlsMetrics() {
    }

    /** Registers them on {@code registry}; {@code terminations} gives each TLS listener's termination by name. */
    public static void register(PrometheusRegistry registry, Supplier<Map<String, TlsTermination>> terminations) {
        GaugeWithCallback.builder().name("sluice_tls_certificate_expiry_seconds")
                .help("When each served certificate expires (notAfter), Unix time in seconds.")
                .labelNames("listener", "name")
                .callback(cb -> terminations.get().forEach((listener, t) ->
                        t.expiries().forEach((name, at) -> cb.call(at, listener, name))))
                .register(registry);
        CounterWithCallback.builder().name("sluice_tls_handshakes")
                .help("TLS handshakes completed, by listener and TLS version.")
                .labelNames("listener", "version")
                .callback(cb -> terminations.get().forEach((listener, t) ->
                        t.handshakes().forEach((version, n) -> cb.call(n, listener, version))))
                .register(registry);
        CounterWithCallback.builder().name("sluice_tls_handshake_failures")
                .help("TLS handshakes that failed, by listener.")
                .labelNames("listener")
                .callback(cb -> terminations.get().forEach((listener, t) -> cb.call(t.handshakeFailures(), listener)))
                .register(registry);
        String provider = TlsProvider.current().label();
        GaugeWithCallback.builder().name("sluice_tls_provider_info")
                .help("The TLS implementation listeners terminate with: openssl or jdk.")
                .labelNames("provider")
                .callback(cb -> cb.call(1, provider))
                .register(registry);
    }
}
