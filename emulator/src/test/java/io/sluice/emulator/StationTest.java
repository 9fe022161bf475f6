package io.sluice.emulator;

import io.sluice.simulator.model.Discipline;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The model's arithmetic on a hand-driven clock (ns). */
class StationTest {
    private static final long MS = 1_000_000L;

    @Test
    void aLateTimerDelaysResponsesButLosesNoCapacity() {
        // FIFO, 1 server, two 10 ms requests at 0: the first is done at 10 ms, the second starts then
        // and is done at 20 ms. A timer that only fires at 25 ms completes both, in order.
        Station s = new Station(1, Discipline.FIFO, 10, 1.0, 0);
        List<String> order = new ArrayList<>();
        s.offer(10 * MS, () -> order.add("a"), 0);
        s.offer(10 * MS, () -> order.add("b"), 0);
        assertThat(s.complete(0)).isEqualTo(10 * MS);
        assertThat(s.complete(25 * MS)).isEqualTo(-1);
        assertThat(order).containsExactly("a", "b");
        assertThat(s.busyNanos(25 * MS)).isEqualTo(20.0 * MS);
    }

    @Test
    void processorSharingSplitsTheServerAndFullStationsReject() {
        // PS, 1 server, capacity 1 + 1: two requests of 10 ms each progress at 1/2 and finish at 20 ms.
        Station s = new Station(1, Discipline.PROCESSOR_SHARING, 1, 1.0, 0);
        List<String> order = new ArrayList<>();
        assertThat(s.offer(10 * MS, () -> order.add("a"), 0)).isTrue();
        assertThat(s.offer(10 * MS, () -> order.add("b"), 0)).isTrue();
        assertThat(s.offer(10 * MS, () -> order.add("c"), 0)).isFalse();
        assertThat(s.complete(0)).isEqualTo(20 * MS);
        assertThat(s.complete(19 * MS)).isEqualTo(MS);
        assertThat(order).isEmpty();
        s.complete(20 * MS);
        assertThat(order).containsExactly("a", "b");
    }

    @Test
    void aSlowdownAndAStallStretchTheService() {
        // 10 ms of work at speed 2 with a x4 slowdown runs at rate 0.5: 20 ms; a 5 ms stall adds 5 ms.
        Station s = new Station(1, Discipline.FIFO, 0, 2.0, 0);
        s.slowdown(4, 0);
        List<String> order = new ArrayList<>();
        s.offer(10 * MS, () -> order.add("a"), 0);
        s.stall(true, 4 * MS);
        assertThat(s.complete(4 * MS)).isEqualTo(-1);
        s.stall(false, 9 * MS);
        assertThat(s.complete(9 * MS)).isEqualTo(16 * MS);
        s.complete(25 * MS);
        assertThat(order).containsExactly("a");
    }
}
