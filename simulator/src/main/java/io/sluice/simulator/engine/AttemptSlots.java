package io.sluice.simulator.engine;

import java.util.Arrays;

/**
 * Every attempt under way, one slot each, as parallel primitive arrays indexed by slot; slots are
 * pooled, so the steady state allocates nothing per attempt.
 *
 * <p>A slot is taken when an attempt is sent and freed when its answer (success, error,
 * rejection) reaches the load balancer. A timed-out attempt is abandoned by the load balancer at
 * the timeout but keeps its slot until the backend's late answer arrives, because the backend is
 * still working on it. A retry takes a new slot that carries the request's arrival time, device
 * and instance. Freeing bumps the slot's generation, so events of its previous use are skipped.
 */
final class AttemptSlots {
    // Attempt outcomes.
    static final byte SUCCESS = 0;
    /** The connection was reset before any response byte: the backend crashed with the request in hand. */
    static final byte ERROR = 1;
    /** A 503: the backend's queue was full. A response, passed on, never retried. */
    static final byte REJECTED = 2;
    static final byte TIMEOUT = 3;
    static final byte UNAVAILABLE = 4;
    /** No connection within the connect timeout: the backend was crashed when the attempt reached it. */
    static final byte CONNECT_FAILED = 5;
    /** Not answered yet. */
    static final byte NONE = -1;

    // Attempt states.
    static final byte FREE = 0;
    static final byte PENDING = 1;
    static final byte ABANDONED = 2;

    private int capacity = 1024;
    /** The request's arrival time: latency is measured from it, across retries. */
    long[] arrival = new long[capacity];
    /** When this attempt was sent. */
    long[] sent = new long[capacity];
    /** The work this attempt brings its backend, at speed 1. */
    double[] demand = new double[capacity];
    /** The request's service demand as a multiple of the backend's mean; NaN to draw it. */
    double[] multiple = new double[capacity];
    /** An arrival's observed service time (ns at speed 1), or -1: see {@code Arrival.serviceNanos}. */
    long[] serviceNanos = new long[capacity];
    /** The request's device index, or -1. */
    int[] device = new int[capacity];
    /** The load-balancer instance that sent it. */
    int[] lb = new int[capacity];
    int[] backend = new int[capacity];
    /** 0 for a first attempt, then 1, 2, ... for retries. */
    int[] attempt = new int[capacity];
    int[] gen = new int[capacity];
    byte[] state = new byte[capacity];
    byte[] outcome = new byte[capacity];
    /** The request arrived after the warm-up. */
    boolean[] measured = new boolean[capacity];
    /** This attempt (a retry) holds a place in its instance's retry budget until it ends. */
    boolean[] retryHeld = new boolean[capacity];
    /** The backends the request tried before this attempt; null for a first attempt. Retries only. */
    int[][] tried = new int[capacity][];
    private int[] free = new int[capacity];
    private int freeCount;
    private int used;
    /** Slots taken and not freed. */
    int open;

    /** A pending slot. */
    int take() {
        open++;
        int s;
        if (freeCount > 0) {
            s = free[--freeCount];
        } else {
            if (used == capacity) {
                grow();
            }
            s = used++;
        }
        state[s] = PENDING;
        outcome[s] = NONE;
        retryHeld[s] = false;
        tried[s] = null;
        return s;
    }

    void free(int s) {
        open--;
        state[s] = FREE;
        gen[s]++;
        free[freeCount++] = s;
    }

    private void grow() {
        int len = capacity * 2;
        arrival = Arrays.copyOf(arrival, len);
        sent = Arrays.copyOf(sent, len);
        demand = Arrays.copyOf(demand, len);
        multiple = Arrays.copyOf(multiple, len);
        serviceNanos = Arrays.copyOf(serviceNanos, len);
        device = Arrays.copyOf(device, len);
        lb = Arrays.copyOf(lb, len);
        backend = Arrays.copyOf(backend, len);
        attempt = Arrays.copyOf(attempt, len);
        gen = Arrays.copyOf(gen, len);
        state = Arrays.copyOf(state, len);
        outcome = Arrays.copyOf(outcome, len);
        measured = Arrays.copyOf(measured, len);
        retryHeld = Arrays.copyOf(retryHeld, len);
        tried = Arrays.copyOf(tried, len);
        free = Arrays.copyOf(free, len);
        capacity = len;
    }
}
