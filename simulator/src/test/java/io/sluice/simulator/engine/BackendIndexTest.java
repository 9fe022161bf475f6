package io.sluice.simulator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.LoadSignals;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.HealthState;
import org.junit.jupiter.api.Test;

class BackendIndexTest {
    private static Endpoint endpoint(String id, BackendLoad load) {
        return Endpoint.of(Backend.of(id, id + ":80"), load, HealthState.HEALTHY, 0);
    }

    @Test
    void everyInstancesLoadMapsToItsBackend() {
        String[] ids = new String[300];
        BackendLoad[][] loads = new BackendLoad[3][ids.length];
        for (int b = 0; b < ids.length; b++) {
            ids[b] = "s-" + b;
            for (int k = 0; k < 3; k++) {
                loads[k][b] = LoadSignals.threadSafe(1).newLoad(0);
            }
        }
        BackendIndex index = new BackendIndex(ids, loads);
        for (int k = 0; k < 3; k++) {
            for (int b = 0; b < ids.length; b++) {
                assertThat(index.of(endpoint(ids[b], loads[k][b]))).isEqualTo(b);
            }
        }
    }

    @Test
    void anUnknownLoadFallsBackToTheIdAndAnUnknownIdIsMinusOne() {
        BackendLoad[][] loads = {{LoadSignals.threadSafe(1).newLoad(0)}};
        BackendIndex index = new BackendIndex(new String[] {"only"}, loads);
        assertThat(index.of(endpoint("only", loads[0][0]))).isZero();
        assertThat(index.of(endpoint("only", LoadSignals.threadSafe(1).newLoad(0)))).isZero();
        assertThat(index.of(endpoint("stranger", LoadSignals.threadSafe(1).newLoad(0)))).isEqualTo(-1);
        assertThat(index.of("stranger")).isEqualTo(-1);
    }
}
