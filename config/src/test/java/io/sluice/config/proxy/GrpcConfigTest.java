package io.sluice.config.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.algorithms.policy.HealthCheckPolicy;
import io.sluice.algorithms.policy.RetryPolicy;
import io.sluice.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The gRPC keys of a cluster: {@code retries.grpc-retry-on} and {@code health-check: { type: grpc, service }}. */
class GrpcConfigTest {
    private static final String BASE = """
            listeners:
              - { name: web, bind: 127.0.0.1:8080, routes: [ { cluster: c } ] }
            clusters:
              - name: c
                strategy: round-robin
                upstream: { protocol: h2c }
                backends: [ { id: a, address: 127.0.0.1:9001 } ]
            """;

    @Test
    void grpcRetryOnNamesTheStatusesRetried() {
        RetryPolicy p = ProxyConfigs.parse(BASE + "    retries: { grpc-retry-on: [unavailable, cancelled] }\n")
                .cluster("c").policy().retries();
        assertThat(p.retriesGrpcStatus(14)).isTrue();
        assertThat(p.retriesGrpcStatus(1)).isTrue();
        assertThat(p.retriesGrpcStatus(8)).isFalse();
        assertThat(ProxyConfigs.parse(BASE).cluster("c").policy().retries().retriesGrpcStatuses()).isFalse();
    }

    @Test
    void anUnknownGrpcStatusNamesLineAndAllowedValues() {
        assertThatThrownBy(() -> ProxyConfigs.parse(BASE + "    retries: { grpc-retry-on: [unavailble] }\n", "p.yaml",
                io.sluice.algorithms.StrategyRegistry.standard()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("p.yaml:")
                .hasMessageContaining("clusters[0].retries.grpc-retry-on: 'unavailble' is not allowed; one of"
                        + " [cancelled, deadline-exceeded, internal, resource-exhausted, unavailable]");
    }

    @Test
    void aGrpcHealthCheckAsksAboutItsService() {
        HealthCheckPolicy hc = ProxyConfigs.parse(BASE + "    health-check: { type: grpc, service: sluice.Orders }\n")
                .cluster("c").policy().healthCheck().orElseThrow();
        assertThat(hc.type()).isEqualTo(HealthCheckPolicy.Type.GRPC);
        assertThat(hc.service()).isEqualTo("sluice.Orders");
        HealthCheckPolicy server = ProxyConfigs.parse(BASE + "    health-check: { type: grpc }\n")
                .cluster("c").policy().healthCheck().orElseThrow();
        assertThat(server.service()).isEmpty();
    }

    @Test
    void aServiceOnAnotherCheckTypeIsAnError() {
        assertThatThrownBy(() -> ProxyConfigs.parse(BASE + "    health-check: { type: http, service: x }\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("clusters[0].health-check.service: is for type: grpc only");
    }
}
