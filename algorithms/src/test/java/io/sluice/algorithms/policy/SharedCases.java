package io.sluice.algorithms.policy;

import io.sluice.algorithms.health.InitialState;
import java.util.List;

/**
 * Cases both runtimes must answer alike, one table each for retry eligibility, health-check
 * transitions and session affinity through churn. {@code SharedCasesTest} here runs them against
 * the algorithms' own functions; the proxy's tests run them through real sockets and the
 * simulator's through its engine (both from this module's test jar), so a runtime that decides
 * differently fails on the same row.
 */
public final class SharedCases {
    private SharedCases() {
    }

    // ---- retries ---------------------------------------------------------------------------------

    /** How every attempt of a request fails. */
    public enum Failure {
        /** Nobody accepts the connection (a crashed backend). */
        CONNECT_FAILURE,
        /** The connection closes after the request, before any response byte. */
        RESET,
        /** No response within the response timeout. */
        TIMEOUT,
        /** Something that is not an HTTP response. */
        BAD_RESPONSE,
        /** A 503 response: an answer, passed to the client, not a failed attempt. */
        STATUS_503;

        /** As both runtimes name it for {@link RetryPolicy#decide}; null for an answer. */
        public AttemptFailure attemptFailure() {
            return switch (this) {
                case CONNECT_FAILURE -> AttemptFailure.CONNECT_FAILURE;
                case RESET -> AttemptFailure.RESET;
                case TIMEOUT -> AttemptFailure.TIMEOUT;
                case BAD_RESPONSE -> AttemptFailure.BAD_RESPONSE;
                case STATUS_503 -> null;
            };
        }
    }

    /**
     * One request whose every attempt fails the same way, on a cluster of {@code backends}
     * backends.
     *
     * @param body     whether the request carries a body (sent upstream unless the connection failed)
     * @param attempts how many attempts the request makes in all: the first plus its retries
     */
    public record RetryCase(String name, Failure failure, String method, boolean body, int maxRetries,
                            boolean idempotentOnly, int backends, int attempts) {
        /** The cluster's retry policy: this case's settings, the default budget. */
        public RetryPolicy policy() {
            return RetryPolicy.builder().maxRetries(maxRetries).idempotentOnly(idempotentOnly).build();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static RetryCase retry(String name, Failure f, String method, boolean body, int attempts) {
        return new RetryCase(name, f, method, body, 2, true, 3, attempts);
    }

    /** With max-retries 2 over 3 backends unless the name says otherwise. */
    public static final List<RetryCase> RETRIES = List.of(
            retry("connect failure, GET: retried", Failure.CONNECT_FAILURE, "GET", false, 3),
            retry("connect failure, POST with a body: retried (nothing was sent)", Failure.CONNECT_FAILURE, "POST",
                    true, 3),
            new RetryCase("connect failure, max-retries 0: not retried", Failure.CONNECT_FAILURE, "GET", false, 0,
                    true, 3, 1),
            new RetryCase("connect failure, max-retries 1: one retry", Failure.CONNECT_FAILURE, "GET", false, 1, true,
                    3, 2),
            new RetryCase("connect failure, one backend: no untried backend left", Failure.CONNECT_FAILURE, "GET",
                    false, 2, true, 1, 1),
            new RetryCase("connect failure, max-retries 5 over 3 backends: each backend once",
                    Failure.CONNECT_FAILURE, "GET", false, 5, true, 3, 3),
            retry("reset, GET: retried", Failure.RESET, "GET", false, 3),
            retry("reset, DELETE: retried", Failure.RESET, "DELETE", false, 3),
            retry("reset, POST with a body: not retried (the body was streamed)", Failure.RESET, "POST", true, 1),
            retry("reset, PUT with a body: not retried (the body was streamed)", Failure.RESET, "PUT", true, 1),
            retry("timeout, GET: retried (idempotent)", Failure.TIMEOUT, "GET", false, 3),
            retry("timeout, DELETE: retried (idempotent)", Failure.TIMEOUT, "DELETE", false, 3),
            retry("timeout, POST with a body: not retried", Failure.TIMEOUT, "POST", true, 1),
            retry("timeout, POST without a body: not retried (not idempotent)", Failure.TIMEOUT, "POST", false, 1),
            new RetryCase("timeout, POST without a body, idempotent-only false: retried", Failure.TIMEOUT, "POST",
                    false, 2, false, 3, 3),
            retry("timeout, PUT with a body: not retried (the body was streamed)", Failure.TIMEOUT, "PUT", true, 1),
            retry("bad response, GET: retried (idempotent)", Failure.BAD_RESPONSE, "GET", false, 3),
            retry("bad response, POST without a body: not retried", Failure.BAD_RESPONSE, "POST", false, 1),
            retry("503, GET: passed on, not retried", Failure.STATUS_503, "GET", false, 1));

    // ---- health checks ---------------------------------------------------------------------------

    /**
     * One backend checked from the start, every check passing or every one failing.
     *
     * @param upAtStart    whether it takes requests before its first check
     * @param checksToFlip after how many checks its state changes; 0: it never does
     */
    public record HealthCase(String name, InitialState initialState, int rise, int fall, boolean passing,
                             boolean upAtStart, int checksToFlip) {
        /** Rise, fall and initial state as given; the other settings the runtime's test chooses. */
        public HealthCheckPolicy.Builder policy() {
            return HealthCheckPolicy.builder().rise(rise).fall(fall).initialState(initialState);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** How many checks each runtime makes at most to see a flip. */
    public static final int MAX_CHECKS = 5;

    public static final List<HealthCase> HEALTH = List.of(
            new HealthCase("up (HAProxy's default), failing: down after one check", InitialState.UP, 2, 3, false,
                    true, 1),
            new HealthCase("up, passing: stays up", InitialState.UP, 2, 3, true, true, 0),
            new HealthCase("fully-up, failing: down after fall checks", InitialState.FULLY_UP, 2, 3, false, true,
                    3),
            new HealthCase("fully-up, fall 1, failing: down after one check", InitialState.FULLY_UP, 2, 1, false,
                    true, 1),
            new HealthCase("down, passing: up after one check", InitialState.DOWN, 2, 3, true, false, 1),
            new HealthCase("down, failing: stays down", InitialState.DOWN, 2, 3, false, false, 0),
            new HealthCase("fully-down, passing: up after rise checks", InitialState.FULLY_DOWN, 2, 3, true, false,
                    2),
            new HealthCase("fully-down, rise 3, passing: up after three checks", InitialState.FULLY_DOWN, 3, 3, true,
                    false, 3),
            new HealthCase("fully-down, failing: stays down", InitialState.FULLY_DOWN, 2, 3, false, false, 0));

    // ---- session affinity through churn ----------------------------------------------------------

    /** Where one client's requests go through three phases: before, while and after its backend is out. */
    public enum Stickiness {
        /** One backend a phase; a new one while the first is out, and it stays there after (a table, a cookie). */
        STAYS_MOVED,
        /** One backend a phase; a new one while the first is out, and back to the first after (a hash). */
        GOES_HOME,
        /** No memory: the first phase already spreads over several backends. */
        SPREAD
    }

    /**
     * One client (one affinity key, one cookie holder) sending {@link #PHASE_REQUESTS} requests a
     * phase over three backends: all available; the backend of its first request out (drained,
     * or crashed and marked down); that backend back.
     */
    public record AffinityCase(String name, AffinityPolicy.Mode mode, String strategy, boolean stickTable,
                               Stickiness expected) {
        public AffinityPolicy policy() {
            return AffinityPolicy.builder().mode(mode).name(mode == AffinityPolicy.Mode.COOKIE ? "SLUICE_BACKEND"
                    : "x-device-id").stickTable(stickTable).build();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public static final int PHASE_REQUESTS = 20;

    public static final List<AffinityCase> AFFINITY = List.of(
            new AffinityCase("header, round-robin: an affinity table keeps the move", AffinityPolicy.Mode.HEADER,
                    "round-robin", true, Stickiness.STAYS_MOVED),
            new AffinityCase("source, least-connections: an affinity table keeps the move",
                    AffinityPolicy.Mode.SOURCE, "least-connections", true, Stickiness.STAYS_MOVED),
            new AffinityCase("header, ring-hash: the hash is the memory and goes home", AffinityPolicy.Mode.HEADER,
                    "ring-hash", true, Stickiness.GOES_HOME),
            new AffinityCase("header, maglev, stick-table false: the hash goes home", AffinityPolicy.Mode.HEADER,
                    "maglev", false, Stickiness.GOES_HOME),
            new AffinityCase("cookie, round-robin: the cookie names the new backend", AffinityPolicy.Mode.COOKIE,
                    "round-robin", true, Stickiness.STAYS_MOVED),
            new AffinityCase("header, round-robin, stick-table false: no memory", AffinityPolicy.Mode.HEADER,
                    "round-robin", false, Stickiness.SPREAD),
            new AffinityCase("none, ring-hash: no key, no memory", AffinityPolicy.Mode.NONE, "ring-hash", true,
                    Stickiness.SPREAD));

    /**
     * Judges the backends a client's requests landed on, phase by phase, against {@code expected};
     * returns what is wrong, or null.
     */
    public static String judge(Stickiness expected, List<String> phase1, List<String> phase2, List<String> phase3) {
        if (expected == Stickiness.SPREAD) {
            return phase1.stream().distinct().count() > 1 ? null : "expected no memory, but every request of the"
                    + " first phase went to " + phase1.get(0);
        }
        for (List<String> phase : List.of(phase1, phase2, phase3)) {
            if (phase.stream().distinct().count() != 1) {
                return "expected one backend a phase, got " + phase1 + " / " + phase2 + " / " + phase3;
            }
        }
        String home = phase1.get(0);
        String moved = phase2.get(0);
        String after = phase3.get(0);
        if (moved.equals(home)) {
            return "expected a move while " + home + " is out, stayed on it";
        }
        String want = expected == Stickiness.GOES_HOME ? home : moved;
        return after.equals(want) ? null : "expected " + want + " after " + home + " came back ("
                + expected + "), got " + after;
    }
}
