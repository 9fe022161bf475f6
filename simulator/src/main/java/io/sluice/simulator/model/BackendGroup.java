package io.sluice.simulator.model;

import java.util.List;
import java.util.Objects;

/**
 * A group of identical simulated backends; a heterogeneous fleet is several groups. Backend ids
 * are {@code name-0 .. name-(count-1)}, in group order, which is also the membership order the
 * load balancers see. Immutable; build with {@link #builder(String, int)}.
 *
 * <p>Service time of one request on a backend of this group, in nanoseconds:
 * <pre>
 *   work = serviceDemand * serviceTime.mean()   when the arrival carries a service demand
 *        = serviceTime.sample()                  otherwise
 *   time = work / (speed / slowdown)            slowdown from scripted events, 1 normally
 * </pre>
 * Worked example: exponential mean 10 ms, speed 2 (a machine twice as fast), a scripted slowdown
 * of 3 in force: mean service time {@code 10 ms / (2 / 3) = 15 ms}.
 */
public final class BackendGroup {
    /** Queue capacity meaning "never reject". */
    public static final int UNBOUNDED = Integer.MAX_VALUE;

    private final String name;
    private final int count;
    private final int concurrency;
    private final Distribution serviceTime;
    private final double speed;
    private final Discipline discipline;
    private final int queueCapacity;
    private final int weight;
    private final String zone;
    private final int firstIndex;
    private final List<String> ids;
    private final long healthCheckWorkNanos;

    private BackendGroup(Builder b) {
        this.name = b.name;
        this.count = b.count;
        this.concurrency = b.concurrency;
        this.serviceTime = b.serviceTime;
        this.speed = b.speed;
        this.discipline = b.discipline;
        this.queueCapacity = b.queueCapacity;
        this.weight = b.weight;
        this.zone = b.zone;
        this.firstIndex = b.firstIndex;
        this.ids = b.ids;
        this.healthCheckWorkNanos = b.healthCheckWorkNanos;
    }

    /**
     * @param name  prefix of the backend ids, a non-empty word such as {@code api} or {@code slow}
     * @param count how many backends, &gt;= 1
     */
    public static Builder builder(String name, int count) {
        return new Builder(name, count);
    }

    /** Prefix of the backend ids. */
    public String name() {
        return name;
    }

    public int count() {
        return count;
    }

    /** Backends across the groups: the sum of their {@link #count()}s; 0 for no groups. */
    public static int totalCount(List<BackendGroup> groups) {
        int n = 0;
        for (BackendGroup g : groups) {
            n += g.count();
        }
        return n;
    }

    /** Servers per backend (threads, cores): requests served at once at full speed. */
    public int concurrency() {
        return concurrency;
    }

    public Distribution serviceTime() {
        return serviceTime;
    }

    /** Speed factor: 2 serves twice as fast as 1. */
    public double speed() {
        return speed;
    }

    public Discipline discipline() {
        return discipline;
    }

    /**
     * Requests a backend holds beyond its {@link #concurrency()} (waiting, or sharing under
     * processor sharing) before it rejects new ones; {@link #UNBOUNDED} by default.
     */
    public int queueCapacity() {
        return queueCapacity;
    }

    /** The configured weight the load balancers see (weighted strategies), &gt;= 1. */
    public int weight() {
        return weight;
    }

    /** The zone the load balancers see (zone-aware wrappers). */
    public String zone() {
        return zone;
    }

    /**
     * The id of the {@code i}-th backend of the group: {@code name-(firstIndex + i)}. With the
     * default first index 0 that is {@code name-i}.
     */
    public String backendId(int i) {
        return ids != null ? ids.get(i) : name + "-" + (firstIndex + i);
    }

    /** The ids given explicitly (to match a proxy config's backends), or null for {@code <name>-<index>}. */
    public List<String> ids() {
        return ids;
    }

    /**
     * The work of answering one active health check at speed 1 (the check also travels the
     * network, and waits out a stall); 0 by default.
     */
    public long healthCheckWorkNanos() {
        return healthCheckWorkNanos;
    }

    /** Number of the group's first backend id; see {@link Builder#firstIndex(int)}. */
    public int firstIndex() {
        return firstIndex;
    }

    @Override
    public String toString() {
        return count + " x " + name + " (c=" + concurrency + ", " + serviceTime.describe() + ", speed=" + speed
                + ", " + discipline + (queueCapacity == UNBOUNDED ? "" : ", queue=" + queueCapacity) + ")";
    }

    /** Builds a {@link BackendGroup}; defaults: concurrency 1, speed 1, FIFO, unbounded queue, weight 1. */
    public static final class Builder {
        private final String name;
        private final int count;
        private int concurrency = 1;
        private Distribution serviceTime;
        private double speed = 1.0;
        private Discipline discipline = Discipline.FIFO;
        private int queueCapacity = UNBOUNDED;
        private int weight = 1;
        private String zone = "default";
        private int firstIndex;
        private List<String> ids;
        private long healthCheckWorkNanos;

        private Builder(String name, int count) {
            if (name == null || name.isBlank() || !name.matches("[A-Za-z0-9_.]+")) {
                throw new IllegalArgumentException("backend group name must be a non-empty word of letters, digits,"
                        + " '_' or '.', got " + (name == null ? "null" : "'" + name + "'"));
            }
            if (count < 1) {
                throw new IllegalArgumentException("backend group '" + name + "': count must be >= 1, got " + count);
            }
            this.name = name;
            this.count = count;
        }

        public Builder concurrency(int servers) {
            if (servers < 1) {
                throw new IllegalArgumentException("backend group '" + name + "': concurrency must be >= 1, got "
                        + servers);
            }
            this.concurrency = servers;
            return this;
        }

        public Builder serviceTime(Distribution distribution) {
            this.serviceTime = Objects.requireNonNull(distribution, "serviceTime");
            return this;
        }

        public Builder speed(double factor) {
            if (!(factor > 0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("backend group '" + name + "': speed must be a finite number > 0,"
                        + " got " + factor);
            }
            this.speed = factor;
            return this;
        }

        public Builder discipline(Discipline d) {
            this.discipline = Objects.requireNonNull(d, "discipline");
            return this;
        }

        /** @param capacity requests held beyond the concurrency, &gt;= 0 (0: reject whenever all servers are busy) */
        public Builder queueCapacity(int capacity) {
            if (capacity < 0) {
                throw new IllegalArgumentException("backend group '" + name + "': queue capacity must be >= 0, got "
                        + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        public Builder weight(int w) {
            if (w < 1) {
                throw new IllegalArgumentException("backend group '" + name + "': weight must be >= 1, got " + w);
            }
            this.weight = w;
            return this;
        }

        public Builder zone(String z) {
            if (z == null || z.isBlank()) {
                throw new IllegalArgumentException("backend group '" + name + "': zone must be a non-empty string");
            }
            this.zone = z;
            return this;
        }

        /**
         * Numbers the backend ids from {@code index} instead of 0, so that consecutive groups of one
         * name continue one another: groups {@code app} x2 and {@code app} x1 from index 2 are
         * {@code app-0, app-1, app-2}, a fleet whose backends differ only in speed.
         *
         * @param index &gt;= 0, with {@code index + count - 1} within int
         */
        public Builder firstIndex(int index) {
            if (index < 0 || (long) index + count - 1 > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("backend group '" + name + "': first index must be in [0, "
                        + (Integer.MAX_VALUE - count + 1) + "], got " + index);
            }
            this.firstIndex = index;
            return this;
        }

        /** @throws IllegalArgumentException when no service time was given */
        /**
         * The backends' ids, one per backend, instead of {@code <name>-<index>}: how a scenario's
         * capacity model is matched to a proxy config's backends.
         */
        public Builder ids(List<String> explicit) {
            if (explicit.size() != count) {
                throw new IllegalArgumentException("backend group '" + name + "': " + explicit.size() + " ids for "
                        + count + " backends");
            }
            this.ids = List.copyOf(explicit);
            return this;
        }

        /** @param nanos the work of answering one health check at speed 1, &gt;= 0 */
        public Builder healthCheckWorkNanos(long nanos) {
            if (nanos < 0) {
                throw new IllegalArgumentException("backend group '" + name + "': health check work must be >= 0 ns,"
                        + " got " + nanos);
            }
            this.healthCheckWorkNanos = nanos;
            return this;
        }

        public BackendGroup build() {
            if (serviceTime == null) {
                throw new IllegalArgumentException("backend group '" + name + "': a service time distribution is"
                        + " required");
            }
            return new BackendGroup(this);
        }
    }
}
