package io.sluice.simulator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class EventQueueTest {
    @Test
    void emptyQueue() {
        EventQueue q = new EventQueue(0);
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.size()).isZero();
    }

    @Test
    void popsInTimeOrder() {
        EventQueue q = new EventQueue(4);
        q.push(30, 3);
        q.push(10, 1);
        q.push(20, 2);
        assertThat(q.peekTime()).isEqualTo(10);
        assertThat(q.pop()).isEqualTo(1);
        assertThat(q.pop()).isEqualTo(2);
        assertThat(q.pop()).isEqualTo(3);
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void equalTimesPopInInsertionOrder() {
        EventQueue q = new EventQueue(4);
        for (int i = 0; i < 100; i++) {
            q.push(5, i);
        }
        for (int i = 0; i < 100; i++) {
            assertThat(q.pop()).isEqualTo(i);
        }
    }

    @Test
    void growsPastItsInitialCapacity() {
        EventQueue q = new EventQueue(1);
        for (int i = 1000; i > 0; i--) {
            q.push(i, i);
        }
        assertThat(q.size()).isEqualTo(1000);
        for (int i = 1; i <= 1000; i++) {
            assertThat(q.pop()).isEqualTo(i);
        }
    }

    @Test
    void extremeTimesAndPayloads() {
        EventQueue q = new EventQueue(2);
        q.push(Long.MAX_VALUE, Long.MIN_VALUE);
        q.push(Long.MIN_VALUE, Long.MAX_VALUE);
        q.push(0, -1);
        assertThat(q.pop()).isEqualTo(Long.MAX_VALUE);
        assertThat(q.pop()).isEqualTo(-1);
        assertThat(q.pop()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void clearDropsEverything() {
        EventQueue q = new EventQueue(2);
        q.push(1, 1);
        q.push(2, 2);
        q.clear();
        assertThat(q.isEmpty()).isTrue();
        q.push(3, 3);
        assertThat(q.pop()).isEqualTo(3);
    }

    /** Interleaved pushes and pops match a reference priority queue ordered by (time, insertion). */
    @Property(tries = 200)
    void matchesAReferenceQueue(@ForAll @Size(max = 300) List<@LongRange(min = 0, max = 20) Long> times,
                                @ForAll @IntRange(min = 1, max = 5) int popEvery) {
        EventQueue q = new EventQueue(1);
        PriorityQueue<long[]> ref = new PriorityQueue<>(
                Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        List<Long> got = new ArrayList<>();
        List<Long> want = new ArrayList<>();
        long seq = 0;
        for (int i = 0; i < times.size(); i++) {
            q.push(times.get(i), seq);
            ref.add(new long[] {times.get(i), seq});
            seq++;
            if (i % popEvery == 0) {
                assertThat(q.peekTime()).isEqualTo(ref.peek()[0]);
                got.add(q.pop());
                want.add(ref.poll()[1]);
            }
        }
        while (!ref.isEmpty()) {
            got.add(q.pop());
            want.add(ref.poll()[1]);
        }
        assertThat(q.isEmpty()).isTrue();
        assertThat(got).isEqualTo(want);
    }

    /**
     * Times spread over the whole long range, extremes included: the branch-free choice of the
     * earliest child must neither overflow nor disagree with the reference.
     */
    @Property(tries = 200)
    void matchesAReferenceQueueOverTheWholeLongRange(@ForAll @Size(max = 300) List<Long> times) {
        EventQueue q = new EventQueue(1);
        PriorityQueue<long[]> ref = new PriorityQueue<>(
                Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        long seq = 0;
        for (long t : times) {
            q.push(t, seq);
            ref.add(new long[] {t, seq++});
        }
        q.push(Long.MIN_VALUE, seq);
        ref.add(new long[] {Long.MIN_VALUE, seq++});
        q.push(Long.MAX_VALUE, seq);
        ref.add(new long[] {Long.MAX_VALUE, seq});
        while (!ref.isEmpty()) {
            assertThat(q.peekTime()).isEqualTo(ref.peek()[0]);
            assertThat(q.pop()).isEqualTo(ref.poll()[1]);
        }
        assertThat(q.isEmpty()).isTrue();
    }

    /**
     * The engine's pattern: take the root, push zero or more events (the first reuses the dead
     * root), settle. Same order as a reference queue.
     */
    @Property(tries = 200)
    void deferredPopMatchesAReferenceQueue(@ForAll @Size(min = 1, max = 300) List<@LongRange(min = 0, max = 8) Long> gaps,
                                           @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 0, max = 3) Integer> pushes) {
        EventQueue q = new EventQueue(1);
        PriorityQueue<long[]> ref = new PriorityQueue<>(
                Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        long seq = 0;
        for (int i = 0; i < 5; i++) {
            q.push(gaps.get(i % gaps.size()), seq);
            ref.add(new long[] {gaps.get(i % gaps.size()), seq++});
        }
        int step = 0;
        while (!ref.isEmpty()) {
            assertThat(q.isEmpty()).isFalse();
            long now = q.peekTime();
            assertThat(now).isEqualTo(ref.peek()[0]);
            long payload = q.take();
            assertThat(payload).isEqualTo(ref.poll()[1]);
            assertThat(q.size()).isEqualTo(ref.size());
            int n = step < 400 ? pushes.get(step % pushes.size()) : 0;
            for (int k = 0; k < n; k++) {
                long at = now + gaps.get((step + k) % gaps.size());
                q.push(at, seq);
                ref.add(new long[] {at, seq++});
            }
            q.settle();
            step++;
        }
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void settleWithoutAPushRemovesTheTakenRoot() {
        EventQueue q = new EventQueue(2);
        q.push(1, 10);
        q.push(2, 20);
        assertThat(q.take()).isEqualTo(10);
        assertThat(q.size()).isEqualTo(1);
        q.settle();
        assertThat(q.peekTime()).isEqualTo(2);
        assertThat(q.take()).isEqualTo(20);
        q.push(0, 30);
        q.settle();
        assertThat(q.pop()).isEqualTo(30);
        assertThat(q.isEmpty()).isTrue();
    }
}
