package io.sluice.simulator.engine;

import io.sluice.algorithms.BackendLoad;
import io.sluice.simulator.model.LoadViewModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The load view the instances share through the control plane, in virtual time: what the proxy's
 * Kafka load view does (docs/kafka.md), with its channel's delay, lag and outage modelled
 * ({@link LoadViewModel}).
 *
 * <h2>Schedule</h2>
 * Instance k publishes at {@code phase_k + i * interval}, its phase drawn uniformly in
 * {@code [0, interval)} from this component's random stream (a proxy fleet starts at random phases).
 * A report is a copy of k's own in-flight counts ({@link BackendLoad#inFlight()}, never the sum it
 * reads, which would echo the others' load back). It is delivered to every other instance at
 * {@code t + delay + consumer-lag}, one delay drawn per report; a delivery due inside the outage
 * happens at its end. On delivery a report older than the staleness is dropped (counted); a fresh
 * one replaces the receiver's copy of k's last report (unless it is older, after reordering by the
 * random delays) and counts until {@code timestamp + staleness}, when an expiry event drops it.
 * After every change, each backend's remote in-flight at the receiver is the sum of its fresh
 * copies ({@link BackendLoad#setRemoteInFlight}), the proxy's rule.
 *
 * <p>Cost: a publish copies n counts; a delivery writes {@code (instances - 1)} copies and
 * recomputes n sums over the instances at each receiver: O(instances^2 * n) per report round.
 *
 * <p>Thread safety: confined to the engine's thread.
 */
final class SharedLoadView {
    private final LoadViewModel model;
    private final VirtualClock clock;
    private final EventQueue queue;
    private final BackendLoad[][] loads;
    private final long duration;
    private final SplittableRandom random;
    private final int count;
    private final int n;
    /** held[j][k]: instance j's copy of instance k's last fresh report; stamp[j][k] its time, -1 for none. */
    private final int[][][] held;
    private final long[][] stamp;
    /** Reports under way, by slot; freed slots are reused. */
    private final List<int[]> pendingCounts = new ArrayList<>();
    private final List<long[]> pendingMeta = new ArrayList<>();
    private final ArrayList<Integer> free = new ArrayList<>();
    long published;
    long delivered;
    long stale;

    SharedLoadView(LoadViewModel model, VirtualClock clock, EventQueue queue, BackendLoad[][] loads, long duration,
                   SplittableRandom random) {
        this.model = model;
        this.clock = clock;
        this.queue = queue;
        this.loads = loads;
        this.duration = duration;
        this.random = random;
        this.count = loads.length;
        this.n = count == 0 ? 0 : loads[0].length;
        this.held = new int[count][count][n];
        this.stamp = new long[count][count];
        for (long[] row : stamp) {
            java.util.Arrays.fill(row, -1);
        }
    }

    /** Schedules each instance's first publication at its random phase. */
    void scheduleFirst() {
        long interval = model.intervalNanos();
        for (int k = 0; k < count; k++) {
            long first = (long) (random.nextDouble() * interval);
            if (first < duration) {
                queue.push(first, Events.payload(Events.VIEW_PUBLISH, 0, k));
            }
        }
    }

    /** Instance {@code k} publishes its own counts; the next publication is one interval on. */
    void onPublish(int k) {
        long now = clock.now;
        int[] counts = new int[n];
        for (int b = 0; b < n; b++) {
            counts[b] = Math.max(0, loads[k][b].inFlight());
        }
        published++;
        long at = now + Math.max(0, Math.round(model.delay().sample(random))) + model.consumerLagNanos();
        if (model.inOutage(at)) {
            at = model.outageEndNanos();
        }
        if (at < duration) {
            int slot = store(counts, k, now);
            queue.push(at, Events.payload(Events.VIEW_DELIVER, 0, slot));
        }
        if (now + model.intervalNanos() < duration) {
            queue.push(now + model.intervalNanos(), Events.payload(Events.VIEW_PUBLISH, 0, k));
        }
    }

    /** A report reaches every other instance. */
    void onDeliver(int slot) {
        int[] counts = pendingCounts.get(slot);
        long[] meta = pendingMeta.get(slot);
        pendingCounts.set(slot, null);
        free.add(slot);
        int k = (int) meta[0];
        long madeAt = meta[1];
        long now = clock.now;
        if (now - madeAt >= model.stalenessNanos()) {
            stale++;
            return;
        }
        delivered++;
        long expires = madeAt + model.stalenessNanos();
        for (int j = 0; j < count; j++) {
            if (j == k || madeAt <= stamp[j][k]) {
                continue;
            }
            System.arraycopy(counts, 0, held[j][k], 0, n);
            stamp[j][k] = madeAt;
            if (expires < duration) {
                queue.push(expires, Events.payload(Events.VIEW_EXPIRE, 0, j * count + k));
            }
            recompute(j);
        }
    }

    /** Instance {@code index / count}'s copy of instance {@code index % count}'s report may have expired. */
    void onExpire(int index) {
        int j = index / count;
        int k = index % count;
        if (stamp[j][k] >= 0 && stamp[j][k] + model.stalenessNanos() <= clock.now) {
            stamp[j][k] = -1;
            recompute(j);
        }
    }

    private void recompute(int j) {
        for (int b = 0; b < n; b++) {
            long sum = 0;
            for (int k = 0; k < count; k++) {
                if (stamp[j][k] >= 0) {
                    sum += held[j][k][b];
                }
            }
            loads[j][b].setRemoteInFlight((int) Math.min(Integer.MAX_VALUE, sum));
        }
    }

    private int store(int[] counts, int k, long madeAt) {
        long[] meta = {k, madeAt};
        if (!free.isEmpty()) {
            int slot = free.remove(free.size() - 1);
            pendingCounts.set(slot, counts);
            pendingMeta.set(slot, meta);
            return slot;
        }
        pendingCounts.add(counts);
        pendingMeta.add(meta);
        return pendingCounts.size() - 1;
    }
}
