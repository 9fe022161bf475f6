package io.sluice.algorithms.internal;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Hashing;
import io.sluice.algorithms.Tried;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * The endpoint of lowest key, kept up to date as loads change instead of found by a scan: a
 * tournament tree (a segment tree of minima) over one picker's endpoints, whose leaves are
 * recomputed whenever their backend's in-flight count changes (the loads tell it through
 * {@link BackendLoad.Listener}). Least connections keys a backend by {@code (in flight + 1) /
 * weight}, as HAProxy's leastconn keeps its servers in a tree by that key; response-time weighted
 * by a key whose order is the order of its decaying cost. A pick is O(log N), an update O(log N).
 *
 * <h2>Layout</h2>
 * Nodes in heap order in two arrays: node 1 is the root, node v's children are 2v and 2v + 1, the
 * leaves are nodes {@code size .. 2 size - 1} with {@code size} the power of two at or above N
 * (the padding leaves hold +infinity). Node v holds the lowest key under it and how many leaves
 * hold that key. Children are adjacent, so a step down the tree reads one cache line.
 *
 * <h2>Fair ties</h2>
 * The descent goes to the child of lower key; on equal keys it goes left with probability
 * {@code ties(left) / (ties(left) + ties(right))}. So every leaf at the lowest key is reached with
 * probability exactly 1/(number of such leaves), the rule the full scans had (reservoir sampling).
 * The coins come from a SplitMix64 sequence seeded by one draw of the random source per pick: a
 * seeded environment reproduces the picks, and a pick costs one draw however many ties there are.
 *
 * <h2>Exclusion</h2>
 * A retry wants the lowest key among the untried leaves. A node with no tried leaf below it keeps
 * its stored minimum; only the nodes on the paths from the k tried leaves to the root need their
 * minimum recomputed without them, so the exact answer costs O(k log N).
 *
 * <h2>Which tree listens</h2>
 * A backend's load has one listener slot, and a strategy builds a new picker, and so a new tree,
 * at every membership, weight or health change. The trees of one strategy share an {@link Owner}:
 * a tree starts listening (registers a listener on each of its loads, then computes every leaf
 * from their current values, under its lock, so no change is missed) at its picker's first pick,
 * and the tree that listened before retires, removing its listeners from loads the new tree does
 * not have. A retired tree's picker, should it still be used (a caller holding an old snapshot, a
 * test holding two pickers), answers by a full scan: correct, only slower. A tree whose picker is
 * never used (a rebuild that lost a race to be published) never listens.
 *
 * <p>Thread safety: picks are lock-free: they read the nodes without locking, so a pick racing an
 * update may follow a path that is a moment stale, ending on a leaf that was the lowest an update
 * ago; a leaf index outside the picker's endpoints is never returned. Updates and the start of
 * listening are serialised by the tree's lock; with two event loops updating at a few hundred
 * thousand changes a second, each holding it for a few tens of nanoseconds, it is rarely
 * contended.
 */
public final class LowestKeyIndex {
    /** The live key of a leaf: read under the tree's lock whenever the leaf's load changes. */
    @FunctionalInterface
    public interface Keys {
        /** The key of endpoint {@code leaf} now; lower is better, +infinity never picked before others. */
        double key(int leaf);
    }

    /** What the trees of one strategy instance share: which of them listens now. */
    public static final class Owner {
        private final ReentrantLock lock = new ReentrantLock();
        private LowestKeyIndex listening;
    }

    private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(double[].class);
    private static final VarHandle TIES = MethodHandles.arrayElementVarHandle(int[].class);
    private static final long GAMMA = 0x9e3779b97f4a7c15L;

    private static final int NEW = 0;
    private static final int LISTENING = 1;
    private static final int RETIRED = 2;

    private final Owner owner;
    private final BackendLoad[] loads;
    private final Keys keys;
    private final int n;
    private final int size;
    private final double[] key;
    private final int[] ties;
    private final Leaf[] leaves;
    /** Where each load's leaf is, for retries; made at the first retry (a benign race). */
    private LoadPositions positions;
    private volatile int state = NEW;

    /** Tells the tree that leaf {@link #index}'s load changed. */
    private final class Leaf implements BackendLoad.Listener {
        final int index;

        Leaf(int index) {
            this.index = index;
        }

        @Override
        public void onInFlightChange(BackendLoad load, int inFlight) {
            update(index);
        }
    }

    /**
     * @param loads the picker's endpoints' loads, in the picker's order (at least one)
     * @param keys  the key of each of them
     */
    public LowestKeyIndex(Owner owner, BackendLoad[] loads, Keys keys) {
        this.owner = owner;
        this.loads = loads;
        this.keys = keys;
        this.n = loads.length;
        this.size = Integer.highestOneBit(Math.max(1, n - 1)) << 1;
        this.key = new double[2 * size];
        this.ties = new int[2 * size];
        this.leaves = new Leaf[n];
        for (int i = 0; i < n; i++) {
            leaves[i] = new Leaf(i);
        }
    }

    /**
     * True when the tree is listening, starting it at its first call; false when it retired or
     * another thread is starting it right now (the caller scans instead).
     */
    public boolean ready() {
        int s = state;
        if (s == LISTENING) {
            return true;
        }
        if (s == RETIRED || !owner.lock.tryLock()) {
            return false;
        }
        try {
            if (state == NEW) {
                listen();
            }
        } finally {
            owner.lock.unlock();
        }
        return state == LISTENING;
    }

    /** Under the owner's lock: take the loads' listener slots over from the previous tree. */
    private void listen() {
        LowestKeyIndex previous = owner.listening;
        if (previous != null) {
            previous.state = RETIRED;
            Map<BackendLoad, Boolean> mine = new IdentityHashMap<>(2 * n);
            for (BackendLoad l : loads) {
                mine.put(l, Boolean.TRUE);
            }
            for (int i = 0; i < previous.n; i++) {
                BackendLoad l = previous.loads[i];
                if (!mine.containsKey(l) && l.listener() == previous.leaves[i]) {
                    l.setListener(null);
                }
            }
        }
        synchronized (this) {
            for (int i = 0; i < n; i++) {
                loads[i].setListener(leaves[i]);
            }
            for (int v = size; v < 2 * size; v++) {
                int i = v - size;
                KEYS.setOpaque(key, v, i < n ? keys.key(i) : Double.POSITIVE_INFINITY);
                TIES.setOpaque(ties, v, i < n ? 1 : 0);
            }
            for (int v = size - 1; v >= 1; v--) {
                combine(v);
            }
            state = LISTENING;
        }
        owner.listening = this;
    }

    /** Recomputes leaf {@code leaf} from its load and the path above it. */
    void update(int leaf) {
        if (state == RETIRED) {
            return;
        }
        synchronized (this) {
            if (state != LISTENING) {
                return; // listen() computes every leaf after registering, under this lock
            }
            int v = size + leaf;
            double k = keys.key(leaf);
            if (k == (double) KEYS.getOpaque(key, v)) {
                return; // same key (a change that does not move it): nothing above changes
            }
            KEYS.setOpaque(key, v, k);
            for (v >>>= 1; v >= 1; v >>>= 1) {
                combine(v);
            }
        }
    }

    private void combine(int v) {
        double l = (double) KEYS.getOpaque(key, 2 * v);
        double r = (double) KEYS.getOpaque(key, 2 * v + 1);
        if (l < r) {
            KEYS.setOpaque(key, v, l);
            TIES.setOpaque(ties, v, (int) TIES.getOpaque(ties, 2 * v));
        } else if (r < l) {
            KEYS.setOpaque(key, v, r);
            TIES.setOpaque(ties, v, (int) TIES.getOpaque(ties, 2 * v + 1));
        } else {
            KEYS.setOpaque(key, v, l);
            TIES.setOpaque(ties, v, (int) TIES.getOpaque(ties, 2 * v) + (int) TIES.getOpaque(ties, 2 * v + 1));
        }
    }

    /** A leaf of lowest key, ties uniformly at random; -1 when a racing update led past the endpoints. */
    public int lowest(RandomGenerator random) {
        long seed = random.nextLong();
        int v = 1;
        while (v < size) {
            int l = 2 * v;
            double kl = (double) KEYS.getOpaque(key, l);
            double kr = (double) KEYS.getOpaque(key, l + 1);
            if (kr < kl) {
                v = l + 1;
            } else if (kl < kr) {
                v = l;
            } else {
                int tl = (int) TIES.getOpaque(ties, l);
                int tr = (int) TIES.getOpaque(ties, l + 1);
                seed += GAMMA;
                v = goLeft(seed, tl, tr) ? l : l + 1;
            }
        }
        int leaf = v - size;
        return leaf < n ? leaf : -1;
    }

    /** True with probability {@code tl / (tl + tr)}; left when both are empty (a racing read). */
    private static boolean goLeft(long seed, int tl, int tr) {
        int total = tl + tr;
        if (total <= 0 || tr <= 0) {
            return true;
        }
        return tl > 0 && Indices.multiplyShift(Hashing.mix64(seed) >>> 32, total) < tl;
    }

    /**
     * A leaf of lowest key among those whose load is not in {@code tried}, ties uniformly at
     * random; -1 when every leaf was tried (or a racing update led past the endpoints).
     */
    public int lowest(RandomGenerator random, Tried tried) {
        if (tried.isEmpty()) {
            return lowest(random);
        }
        LoadPositions where = positions;
        if (where == null) {
            where = new LoadPositions(loads);
            positions = where;
        }
        Path path = SCRATCH.get().fit(Integer.numberOfTrailingZeros(size), tried.size());
        int[] excluded = path.excluded;
        int k = 0;
        for (int t = 0; t < tried.size(); t++) {
            int i = where.of(tried.load(t));
            if (i >= 0) {
                excluded[k++] = size + i;
            }
        }
        if (k == 0) {
            return lowest(random);
        }
        if (k == n) {
            return -1;
        }
        // The minima without the excluded leaves, bottom-up, of the nodes above them only: at
        // height h they are the distinct (leaf >>> h), at most k, stored at [h * k, h * k + width[h]);
        // every other node keeps its stored minimum.
        int levels = Integer.numberOfTrailingZeros(size);
        path.reset(levels, k);
        for (int j = 0; j < k; j++) {
            if (path.indexOf(0, excluded[j]) < 0) {
                path.add(0, excluded[j], Double.POSITIVE_INFINITY, 0);
            }
        }
        for (int h = 1; h <= levels; h++) {
            for (int j = 0; j < path.width[h - 1]; j++) {
                int parent = path.node[(h - 1) * k + j] >>> 1;
                if (path.indexOf(h, parent) >= 0) {
                    continue;
                }
                int l = path.indexOf(h - 1, 2 * parent);
                int r = path.indexOf(h - 1, 2 * parent + 1);
                double kl = l >= 0 ? path.low[(h - 1) * k + l] : (double) KEYS.getOpaque(key, 2 * parent);
                int tl = l >= 0 ? path.count[(h - 1) * k + l] : (int) TIES.getOpaque(ties, 2 * parent);
                double kr = r >= 0 ? path.low[(h - 1) * k + r] : (double) KEYS.getOpaque(key, 2 * parent + 1);
                int tr = r >= 0 ? path.count[(h - 1) * k + r] : (int) TIES.getOpaque(ties, 2 * parent + 1);
                if (tl == 0 || (tr > 0 && kr < kl)) {
                    path.add(h, parent, kr, tr);
                } else if (tr == 0 || kl < kr) {
                    path.add(h, parent, kl, tl);
                } else {
                    path.add(h, parent, kl, tl + tr);
                }
            }
        }
        long seed = random.nextLong();
        int v = 1;
        for (int h = levels; h > 0; h--) {
            int l = 2 * v;
            int jl = path.indexOf(h - 1, l);
            int jr = path.indexOf(h - 1, l + 1);
            double kl = jl >= 0 ? path.low[(h - 1) * k + jl] : (double) KEYS.getOpaque(key, l);
            int tl = jl >= 0 ? path.count[(h - 1) * k + jl] : (int) TIES.getOpaque(ties, l);
            double kr = jr >= 0 ? path.low[(h - 1) * k + jr] : (double) KEYS.getOpaque(key, l + 1);
            int tr = jr >= 0 ? path.count[(h - 1) * k + jr] : (int) TIES.getOpaque(ties, l + 1);
            if (tl == 0 && tr == 0) {
                return -1;
            }
            if (tr > 0 && (tl == 0 || kr < kl)) {
                v = l + 1;
            } else if (tl > 0 && (tr == 0 || kl < kr)) {
                v = l;
            } else {
                seed += GAMMA;
                v = goLeft(seed, tl, tr) ? l : l + 1;
            }
        }
        int leaf = v - size;
        return leaf < n ? leaf : -1;
    }

    /** Per-thread work arrays of a retry's descent, so it allocates nothing once warm. */
    private static final ThreadLocal<Path> SCRATCH = ThreadLocal.withInitial(Path::new);

    /**
     * The nodes above excluded leaves, per height, with their minima recomputed without them:
     * height h's at {@code [h * k, h * k + width[h])}. Work arrays of one thread, reused.
     */
    private static final class Path {
        int k;
        int[] excluded = new int[4];
        int[] node = new int[64];
        double[] low = new double[64];
        int[] count = new int[64];
        int[] width = new int[32];

        /** Room for {@code levels} levels and {@code k} excluded leaves. */
        Path fit(int levels, int k) {
            if (excluded.length < k) {
                excluded = new int[k];
            }
            int cells = (levels + 1) * k;
            if (node.length < cells) {
                node = new int[cells];
                low = new double[cells];
                count = new int[cells];
            }
            if (width.length < levels + 1) {
                width = new int[levels + 1];
            }
            return this;
        }

        void reset(int levels, int k) {
            this.k = k;
            java.util.Arrays.fill(width, 0, levels + 1, 0);
        }

        int indexOf(int h, int v) {
            for (int j = 0, base = h * k; j < width[h]; j++) {
                if (node[base + j] == v) {
                    return j;
                }
            }
            return -1;
        }

        void add(int h, int v, double minimum, int ties) {
            int at = h * k + width[h]++;
            node[at] = v;
            low[at] = minimum;
            count[at] = ties;
        }
    }

    /** Endpoints indexed. */
    public int size() {
        return n;
    }
}
