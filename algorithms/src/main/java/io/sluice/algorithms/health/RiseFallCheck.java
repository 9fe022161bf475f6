package io.sluice.algorithms.health;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/** HAProxy's rise/fall health counter; see {@link ActiveHealthCheck} for the rule. */
final class RiseFallCheck implements ActiveHealthCheck {
    private final HealthCheckConfig config;
    private final AtomicReference<Status> state;

    RiseFallCheck(HealthCheckConfig config, long nowNanos) {
        this.config = config;
        this.state = new AtomicReference<>(initial(config, nowNanos));
    }

    static Status initial(HealthCheckConfig c, long nowNanos) {
        int health = switch (c.initialState()) {
            case FULLY_UP -> c.maxHealth();
            case UP -> c.rise();
            case DOWN -> c.rise() - 1;
            case FULLY_DOWN -> 0;
        };
        boolean up = health >= c.rise();
        return new Status(health, up, false, 0, 0, nowNanos, interval(c, health, up));
    }

    /** The side-effect-free transition: HAProxy's {@code set_server_check_status} counter update. */
    static Status next(Status s, CheckResult result, long nowNanos, HealthCheckConfig c) {
        int h = s.health();
        if (result.passed()) {
            if (h < c.maxHealth()) {
                h++;
                if (h >= c.rise()) {
                    h = c.maxHealth();
                }
            }
        } else if (h > 0) {
            h--;
            if (h < c.rise()) {
                h = 0;
            }
        }
        boolean up = h >= c.rise();
        boolean changed = up != s.up();
        return new Status(h, up, changed,
                s.upTransitions() + (changed && up ? 1 : 0),
                s.downTransitions() + (changed && !up ? 1 : 0),
                changed ? nowNanos : s.sinceNanos(),
                interval(c, h, up));
    }

    /** HAProxy's {@code srv_getinter}: inter when fully up, downinter when fully down, else fastinter. */
    static long interval(HealthCheckConfig c, int health, boolean up) {
        if (health == c.maxHealth()) {
            return c.interNanos();
        }
        if (!up && health == 0) {
            return c.downinterNanos();
        }
        return c.fastinterNanos();
    }

    @Override
    public Status onResult(CheckResult result, long nowNanos) {
        Objects.requireNonNull(result, "result");
        return state.updateAndGet(s -> next(s, result, nowNanos, config));
    }

    @Override
    public Status status() {
        return state.get();
    }

    @Override
    public HealthCheckConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "ActiveHealthCheck{" + describe() + ", " + config + "}";
    }
}
