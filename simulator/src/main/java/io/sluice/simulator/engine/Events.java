package io.sluice.simulator.engine;

/**
 * The engine's event types and how an event is packed into the queue's payload:
 * {@code type (8 bits) | generation (24 bits) | index (32 bits)}. The generation lets a superseded
 * event (a rescheduled completion, a freed attempt slot's timeout) be recognised and skipped.
 */
final class Events {
    static final int AT_BACKEND = 2;
    static final int DONE = 3;
    static final int RESPONSE = 4;
    static final int TIMEOUT = 5;
    static final int SCRIPT_START = 6;
    static final int SCRIPT_END = 7;
    static final int SAMPLE = 8;
    static final int UTIL_REPORT = 9;
    static final int HEALTH_SEND = 10;
    static final int HEALTH_RESULT = 11;
    static final int PROBE_AT_BACKEND = 12;
    static final int PROBE_REPLY = 13;
    static final int WINDOW_START = 14;
    static final int WINDOW_END = 15;
    static final int REFRESH = 16;
    static final int OUTLIER_SWEEP = 17;
    static final int VIEW_PUBLISH = 18;
    static final int VIEW_DELIVER = 19;
    static final int VIEW_EXPIRE = 20;

    static final int GEN_MASK = 0xFFFFFF;

    private Events() {
    }

    static long payload(int type, int gen, int index) {
        return ((long) type << 56) | ((long) (gen & GEN_MASK) << 32) | (index & 0xFFFFFFFFL);
    }

    static int type(long payload) {
        return (int) (payload >>> 56);
    }

    static int gen(long payload) {
        return (int) (payload >>> 32) & GEN_MASK;
    }

    static int index(long payload) {
        return (int) payload;
    }
}
