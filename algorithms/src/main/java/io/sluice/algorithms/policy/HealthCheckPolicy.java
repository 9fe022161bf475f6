package io.sluice.algorithms.policy;

import io.sluice.algorithms.Durations;
import io.sluice.algorithms.Range;
import io.sluice.algorithms.SettingException;
import io.sluice.algorithms.health.HealthCheckConfig;
import io.sluice.algorithms.health.InitialState;

import java.util.Locale;
import java.util.Objects;

/**
 * A cluster's active health checks: how a check is made (type, path, expected status, timeout)
 * and HAProxy's rise/fall state machine that judges the results ({@link HealthCheckConfig}).
 * Immutable, compared by value; build one with {@link #builder()}, whose setters reject a bad value
 * with a {@link SettingException} naming the setting, the value and the allowed range.
 *
 * <pre>
 *   type            http      http (GET path, expect a status), tcp (a connect is a pass),
 *                             mqtt (CONNECT, expect CONNACK accepted), coap (CoAP ping over UDP,
 *                             expect RST) or grpc (grpc.health.v1.Health/Check over h2c, expect SERVING)
 *   path            /health   http only; must start with '/'
 *   service         ""        grpc only: the service name the check asks about ("" = the server)
 *   expect-status   200-399   http only; a status or a range within 100-599
 *   interval        2s        HAProxy's inter; fastinter and downinter default to it
 *   timeout         1s        1ms to 1h, and not longer than the interval
 *   rise, fall      2, 3      1 to 1000
 *   initial-state   up        fully-up, up, down or fully-down (HAProxy's init-state)
 * </pre>
 *
 * <p>The proxy sends the checks over the network; the simulator models each one as a network round
 * trip plus the backend's check work at its current speed, timing out as the real one would. Both
 * feed the very same {@link io.sluice.algorithms.health.ActiveHealthCheck}. The simulator does not
 * model a wrong status (a live backend passes), so {@code path} and {@code expect-status} change
 * nothing there.
 */
public final class HealthCheckPolicy {
    private static final long MS = 1_000_000L;
    private static final long HOUR = 3_600_000_000_000L;

    /** How a check is made. */
    public enum Type {
        /** An HTTP GET of {@code path}; a status in the expected range passes. */
        HTTP,
        /** A TCP connect; success passes. */
        TCP,
        /** An MQTT 3.1.1 CONNECT with a clean session; a CONNACK with return code 0 passes. */
        MQTT,
        /** A CoAP ping (RFC 7252 4.3: an empty confirmable message) over UDP; a RST with its message id passes. */
        COAP,
        /**
         * The gRPC health checking protocol: {@code grpc.health.v1.Health/Check} for {@code service}
         * over HTTP/2 in clear (h2c); an answer with status SERVING passes.
         */
        GRPC;

        /** The name in config files: {@code http}, {@code tcp}, {@code mqtt}, {@code coap}, {@code grpc}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code timeout}: 1ms to 1h. */
    public static final Range TIMEOUT = Range.duration(MS, HOUR);
    /** Status codes {@code expect-status} may name. */
    public static final Range STATUS = Range.wholeNumber(100, 599);
    public static final long DEFAULT_TIMEOUT_NANOS = 1_000_000_000L;
    public static final String DEFAULT_PATH = "/health";
    public static final int DEFAULT_EXPECT_MIN = 200;
    public static final int DEFAULT_EXPECT_MAX = 399;

    private static final HealthCheckPolicy DEFAULTS = builder().build();

    private final Type type;
    private final String path;
    private final String service;
    private final int expectStatusMin;
    private final int expectStatusMax;
    private final long timeoutNanos;
    private final HealthCheckConfig checks;

    private HealthCheckPolicy(Builder b, HealthCheckConfig checks) {
        this.type = b.type;
        this.path = b.path;
        this.service = b.service;
        this.expectStatusMin = b.expectStatusMin;
        this.expectStatusMax = b.expectStatusMax;
        this.timeoutNanos = b.timeoutNanos;
        this.checks = checks;
    }

    /** An HTTP check of {@code /health} with every default above. */
    public static HealthCheckPolicy defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Type type() {
        return type;
    }

    public String path() {
        return path;
    }

    /** The service a gRPC check asks about; "" asks about the server as a whole. */
    public String service() {
        return service;
    }

    public int expectStatusMin() {
        return expectStatusMin;
    }

    public int expectStatusMax() {
        return expectStatusMax;
    }

    /** A check not answered within this fails (HAProxy's {@code timeout check}). */
    public long timeoutNanos() {
        return timeoutNanos;
    }

    /** The rise/fall state machine's settings, initial state included. */
    public HealthCheckConfig checks() {
        return checks;
    }

    /** The steady-state interval, {@code checks().interNanos()}. */
    public long intervalNanos() {
        return checks.interNanos();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HealthCheckPolicy p && type == p.type && path.equals(p.path) && service.equals(p.service)
                && expectStatusMin == p.expectStatusMin && expectStatusMax == p.expectStatusMax
                && timeoutNanos == p.timeoutNanos && checks.equals(p.checks);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, path, service, expectStatusMin, expectStatusMax, timeoutNanos, checks);
    }

    @Override
    public String toString() {
        return type.configName() + (type == Type.HTTP ? " " + path + " expect " + expectStatusMin + "-"
                + expectStatusMax : "") + (type == Type.GRPC ? " service '" + service + "'" : "") + " timeout "
                + Durations.format(timeoutNanos) + " " + checks;
    }

    /** Collects settings; {@link #build()} checks the ones that depend on each other. */
    public static final class Builder {
        private Type type = Type.HTTP;
        private String path = DEFAULT_PATH;
        private String service = "";
        private int expectStatusMin = DEFAULT_EXPECT_MIN;
        private int expectStatusMax = DEFAULT_EXPECT_MAX;
        private long timeoutNanos = DEFAULT_TIMEOUT_NANOS;
        private final HealthCheckConfig.Builder checks = HealthCheckConfig.builder();

        private Builder() {
        }

        public Builder type(Type t) {
            this.type = Objects.requireNonNull(t, "type");
            return this;
        }

        /** @param p the path an HTTP check requests; starts with '/', no spaces or control characters */
        public Builder path(String p) {
            Objects.requireNonNull(p, "path");
            if (!p.startsWith("/") || !p.chars().allMatch(c -> c > 32 && c < 127)) {
                throw new SettingException("path", "'" + p + "' is not allowed; a path starting with '/', without"
                        + " spaces");
            }
            this.path = p;
            return this;
        }

        /** @param name the gRPC service a {@code grpc} check asks about; "" for the server; printable ASCII */
        public Builder service(String name) {
            Objects.requireNonNull(name, "service");
            if (!name.chars().allMatch(c -> c > 32 && c < 127)) {
                throw new SettingException("service", "'" + name + "' is not allowed; a gRPC service name like"
                        + " 'sluice.Orders', printable, without spaces");
            }
            this.service = name;
            return this;
        }

        /** @param min lowest passing status; @param max highest; both in 100..599, min &lt;= max */
        public Builder expectStatus(int min, int max) {
            STATUS.check("expect-status", min);
            STATUS.check("expect-status", max);
            if (min > max) {
                throw new SettingException("expect-status", min + "-" + max + " is an empty range; write a status"
                        + " like 200 or a range like 200-399 within 100-599");
            }
            this.expectStatusMin = min;
            this.expectStatusMax = max;
            return this;
        }

        public Builder timeout(long nanos) {
            this.timeoutNanos = TIMEOUT.check("timeout", nanos);
            return this;
        }

        /** HAProxy's {@code inter}: the interval between checks in steady state. */
        public Builder interval(long nanos) {
            checks.inter(nanos);
            return this;
        }

        public Builder fastinter(long nanos) {
            checks.fastinter(nanos);
            return this;
        }

        public Builder downinter(long nanos) {
            checks.downinter(nanos);
            return this;
        }

        public Builder rise(int n) {
            checks.rise(n);
            return this;
        }

        public Builder fall(int n) {
            checks.fall(n);
            return this;
        }

        public Builder initialState(InitialState s) {
            checks.initialState(s);
            return this;
        }

        /** @throws SettingException (on timeout) when the timeout is longer than the interval */
        public HealthCheckPolicy build() {
            HealthCheckConfig c = checks.build();
            if (timeoutNanos > c.interNanos()) {
                throw new SettingException("timeout", Durations.format(timeoutNanos) + " is longer than the interval ("
                        + Durations.format(c.interNanos()) + "); a check must end before the next one is due");
            }
            return new HealthCheckPolicy(this, c);
        }
    }
}
