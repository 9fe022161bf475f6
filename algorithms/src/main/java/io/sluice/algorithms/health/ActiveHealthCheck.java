package io.sluice.algorithms.health;

import io.sluice.algorithms.HealthState;

import java.util.Objects;

/**
 * The active health state of one backend, fed the results of the checks the caller runs (the proxy
 * over the network, the simulator in virtual time), with HAProxy's {@code rise}/{@code fall}
 * semantics. It says whether the backend is up, when to check it next, and counts transitions.
 *
 * <p>The rule (HAProxy {@code src/check.c}, {@code set_server_check_status} and
 * {@code srv_getinter}) keeps one health counter {@code h} in {@code [0, rise+fall-1]}; the
 * backend is up exactly when {@code h >= rise}.
 * <pre>
 *   passed check:  if h &lt; rise+fall-1 then h = h+1; if h &gt;= rise then h = rise+fall-1
 *   failed check:  if h &gt; 0 then h = h-1;          if h &lt; rise  then h = 0
 * </pre>
 * So a down backend needs {@code rise} passes in a row (one failure sends {@code h} back to 0), and
 * an up one needs {@code fall} failures in a row (one pass restores the full budget). Worked example,
 * rise 2 fall 3 (max 4), starting fully up: fail, fail ({@code h} 4, 3, 2: "UP 1/3"), pass
 * ({@code h} = 4 again), fail, fail, fail ({@code h} 3, 2, then 1 &lt; rise so 0: DOWN), pass
 * ({@code h} 1: "DOWN 1/2"), pass ({@code h} 2 &gt;= rise so 4: UP).
 *
 * <p>The next check interval: {@code inter} when fully up ({@code h = rise+fall-1}),
 * {@code downinter} when fully down ({@code h = 0}), {@code fastinter} in between, which is where
 * a quick re-check settles the question sooner.
 *
 * <p>Where the counter starts is {@link HealthCheckConfig#initialState()}; HAProxy's default,
 * {@link InitialState#UP}, starts at {@code h = rise}: up, but one failed check brings it down, and
 * the first checks use {@code fastinter}.
 *
 * <p>Thread safety: every method may be called from any thread. The state is an immutable
 * {@link Status} in an atomic reference, advanced by a side-effect-free function, so concurrent
 * results are applied one after the other in some order and no transition is lost or counted twice.
 */
public interface ActiveHealthCheck {

    /**
     * A check in the configuration's initial state.
     *
     * @param nowNanos creation time on the caller's clock; becomes {@link Status#sinceNanos()}
     */
    static ActiveHealthCheck create(HealthCheckConfig config, long nowNanos) {
        return new RiseFallCheck(Objects.requireNonNull(config, "config"), nowNanos);
    }

    /** Applies one check result observed at {@code nowNanos} and returns the new status. */
    Status onResult(CheckResult result, long nowNanos);

    /** The current status. */
    Status status();

    /** The settings this check was created with. */
    HealthCheckConfig config();

    /** {@link HealthState#HEALTHY} when up, {@link HealthState#UNHEALTHY} when down. */
    default HealthState healthState() {
        return status().healthState();
    }

    /** How long to wait before the next check: inter, fastinter or downinter. */
    default long nextIntervalNanos() {
        return status().nextIntervalNanos();
    }

    /**
     * The status as HAProxy logs it: {@code "2/3 UP"} (passes remaining of the {@code fall}
     * budget, counting this one) or {@code "1/2 DOWN"} (passes so far towards {@code rise}).
     */
    default String describe() {
        Status s = status();
        HealthCheckConfig c = config();
        return s.up()
                ? (s.health() - c.rise() + 1) + "/" + c.fall() + " UP"
                : s.health() + "/" + c.rise() + " DOWN";
    }

    /**
     * One immutable snapshot of a check.
     *
     * @param health            HAProxy's counter, in {@code [0, rise+fall-1]}
     * @param up                {@code health >= rise}
     * @param changed           the result that produced this status flipped {@link #up()}
     * @param upTransitions     times the backend went from down to up
     * @param downTransitions   times the backend went from up to down
     * @param sinceNanos        when {@link #up()} last changed (creation time if never)
     * @param nextIntervalNanos how long to wait before the next check
     */
    record Status(int health, boolean up, boolean changed, long upTransitions, long downTransitions,
                  long sinceNanos, long nextIntervalNanos) {

        /** {@link HealthState#HEALTHY} when up, {@link HealthState#UNHEALTHY} when down. */
        public HealthState healthState() {
            return up ? HealthState.HEALTHY : HealthState.UNHEALTHY;
        }

        /** Every transition, both ways: what the proxy exports as a counter. */
        public long transitions() {
            return upTransitions + downTransitions;
        }
    }
}
