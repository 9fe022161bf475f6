package io.sluice.simulator.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy's access log as a trace: times from start_us in order, devices from the affinity key, demands. */
class AccessLogTraceTest {
    private static final long SECOND = 1_000_000_000L;

    record Got(long time, String device, long serviceNanos) {
    }

    private static List<Got> replay(String yaml, Path dir) {
        WorkloadSpec spec = Workloads.parse(Recorded.yaml(yaml), "workload", dir);
        List<Got> out = new ArrayList<>();
        try (ArrivalStream s = spec.open(1, 3600 * SECOND)) {
            Arrival a = new Arrival();
            while (s.next(a)) {
                out.add(new Got(a.timeNanos, a.deviceId, a.serviceNanos));
            }
        }
        return out;
    }

    @Test
    void theSampleReplaysInStartOrderWithObservedDemands() {
        List<Got> got = replay("{kind: trace, path: 'classpath:scenarios/traces/sample-access.log',"
                + " format: sluice-access-log}", null);
        // Written as the requests ended (a1, a3, a2, a4); replayed by start, from the earliest at 0.
        assertThat(got).containsExactly(
                new Got(0, "dev-17", 3_412_000),
                new Got(1_290_000, "dev-17", 7_110_000),
                new Got(2_830_000, "dev-4", 981_000),
                // No route: no affinity key, so the client's IP; no upstream time, so no demand.
                new Got(3_880_000, "10.0.0.9", -1));
    }

    @Test
    void aBadDemandNamesTheLineAndField(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.log"), "{\"start_us\": 10, \"affinity_key\": \"d\", \"upstream_ttfb_ms\": 1}\n"
                + "{\"start_us\": 20, \"affinity_key\": \"d\", \"upstream_ttfb_ms\": \"soon\"}\n");
        assertThatThrownBy(() -> replay("{kind: trace, path: a.log, format: sluice-access-log}", dir))
                .isInstanceOf(WorkloadException.class)
                .hasMessageContaining("a.log:2: field 'upstream_ttfb_ms': 'soon' is not allowed; expected milliseconds"
                        + " >= 0 or null");
        assertThatThrownBy(() -> Workloads.parse(Recorded.yaml("{kind: trace, path: a.log, format: sluice-access-log,"
                + " time-unit: epoch-ms}"), "workload", dir))
                .hasMessageContaining("workload.time-unit: not for a sluice-access-log trace");
    }

    @Test
    void clientAddressesLoseTheirPort() {
        assertThat(AccessLogLineParser.clientIp("10.0.0.7:51234")).isEqualTo("10.0.0.7");
        assertThat(AccessLogLineParser.clientIp("[::1]:51234")).isEqualTo("::1");
        assertThat(AccessLogLineParser.clientIp("fe80::1")).isEqualTo("fe80::1");
        assertThat(AccessLogLineParser.clientIp(null)).isNull();
    }
}
