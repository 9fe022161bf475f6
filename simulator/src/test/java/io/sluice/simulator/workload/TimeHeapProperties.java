package io.sluice.simulator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class TimeHeapProperties {
    /** Interleaved adds, updates and removals come out in (time, item) order, like a sorted list would. */
    @Property
    void popsInTimeThenItemOrder(@ForAll List<@LongRange(min = 0, max = 50) Long> times) {
        TimeHeap heap = new TimeHeap(1);
        List<long[]> model = new ArrayList<>();
        Comparator<long[]> order = Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]);
        for (int i = 0; i < times.size(); i++) {
            heap.add(times.get(i), i);
            model.add(new long[] {times.get(i), i});
            if (i % 3 == 2) { // push the top later, as the generators do
                model.sort(order);
                long[] top = model.get(0);
                assertThat(heap.topTime()).isEqualTo(top[0]);
                assertThat(heap.topItem()).isEqualTo((int) top[1]);
                top[0] += 7;
                heap.updateTop(top[0]);
            }
        }
        model.sort(order);
        for (long[] e : model) {
            assertThat(heap.isEmpty()).isFalse();
            assertThat(heap.topTime()).isEqualTo(e[0]);
            assertThat(heap.topItem()).isEqualTo((int) e[1]);
            heap.removeTop();
        }
        assertThat(heap.isEmpty()).isTrue();
        assertThat(heap.size()).isZero();
    }
}
