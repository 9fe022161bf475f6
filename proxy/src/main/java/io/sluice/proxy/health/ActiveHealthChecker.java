package io.sluice.proxy.health;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.health.ActiveHealthCheck;
import io.sluice.algorithms.health.HealthCheckConfig;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Active health checks of one cluster's backends over the network: HTTP ({@code GET path}, status
 * in a range), TCP (connect), MQTT (CONNECT, CONNACK accepted) or CoAP (ping, RST), as
 * {@link CheckSpec} says, each with a timeout, run on a Netty
 * {@link EventLoopGroup}. Each backend's results feed its own {@link ActiveHealthCheck}
 * (HAProxy's rise/fall counter), which also picks the next interval ({@code inter},
 * {@code fastinter} or {@code downinter}); on every up/down transition the
 * {@link HealthListener} is told.
 *
 * <h2>Scheduling</h2>
 * Each backend is pinned to one event loop ({@code group.next()} when it joins); its timer, its
 * check connection and its state live on that loop, so nothing is locked. A check starts after
 * {@code u x interval} (u uniform in [0, 1)) when the backend joins, so the checks of a cluster do
 * not all fire at once; after each result the next check waits
 * {@code interval x (1 + v x spread)} (v uniform in [-1, 1], {@link CheckSpec#spreadPercent()}).
 * Checks of one backend never overlap: the next is scheduled only once the current one has a
 * result, and a check that outlives {@link CheckSpec#timeoutNanos()} is a TIMEOUT and its
 * connection is closed. Connect failures, resets, bad responses and unexpected statuses are FAIL.
 * With {@link CheckSpec#keepAlive()} one connection per backend is reused; a check whose reused
 * connection turns out to be closed by the backend before any response is retried once on a new
 * connection within the same timeout, so an idle-closed connection is not a failure.
 *
 * <h2>Membership</h2>
 * {@link #update} replaces the backend set: new ids start in
 * {@link HealthCheckConfig#initialState()} (and if that is down the listener is told at once, since
 * a load balancer adds new backends healthy), ids that stay keep their state, removed ids stop
 * being checked and their connections close. A backend whose address changes is treated as removed
 * and added again.
 *
 * <p>Thread safety: every method may be called from any thread. Randomness comes from
 * {@link Environment#random()} and is drawn on the event loops, so it must be safe from several
 * threads ({@link Environment#system()} is).
 */
public interface ActiveHealthChecker {

    /**
     * A checker on NIO sockets with the system clock and thread-local randomness. It checks nothing
     * until the first {@link #update}.
     */
    static ActiveHealthChecker create(CheckSpec spec, HealthCheckConfig config, EventLoopGroup group,
                                      HealthListener listener) {
        return create(spec, config, group, NioSocketChannel::new, NioDatagramChannel::new, Environment.system(),
                listener);
    }

    /**
     * A checker with every collaborator given.
     *
     * @param streamChannels   the TCP client socket type matching {@code group}'s transport (NIO, epoll...)
     * @param datagramChannels the UDP socket type matching it, for {@link CheckSpec.Kind#COAP} checks
     * @param env              clock for the checks' timestamps and randomness for the jitter
     */
    static ActiveHealthChecker create(CheckSpec spec, HealthCheckConfig config, EventLoopGroup group,
                                      ChannelFactory<? extends Channel> streamChannels,
                                      ChannelFactory<? extends Channel> datagramChannels, Environment env,
                                      HealthListener listener) {
        return new NettyActiveHealthChecker(Objects.requireNonNull(spec, "spec"),
                Objects.requireNonNull(config, "config"), Objects.requireNonNull(group, "group"),
                Objects.requireNonNull(streamChannels, "streamChannels"),
                Objects.requireNonNull(datagramChannels, "datagramChannels"), Objects.requireNonNull(env, "env"),
                Objects.requireNonNull(listener, "listener"), TaskScheduler.NETTY);
    }

    /**
     * Replaces the set of backends checked (see the class comment).
     *
     * @throws IllegalArgumentException when two backends share an id or an address does not parse;
     *                                  nothing changes then
     * @throws IllegalStateException    after {@link #stop()}
     */
    void update(Collection<Backend> backends);

    /** The active health of a backend, or empty if it is not checked. */
    Optional<HealthState> health(String backendId);

    /** A snapshot of every checked backend, in the order of the last {@link #update}. */
    List<BackendCheckStatus> statuses();

    /**
     * Stops every check, cancels every timer and closes every check connection. The future
     * completes when all of it is done on the event loops (at once if the loops are already shut
     * down). Idempotent; the listener is not called afterwards.
     */
    CompletableFuture<Void> stop();

    /**
     * One backend's checks so far.
     *
     * @param backendId  the backend
     * @param address    the address checked
     * @param status     its rise/fall state; {@link ActiveHealthCheck.Status#transitions()} is what to export
     * @param passed     checks that passed
     * @param failed     checks that failed
     * @param timedOut   checks that timed out
     * @param lastResult what the last check found, e.g. {@code "HTTP status 200"}; empty before the first
     */
    record BackendCheckStatus(String backendId, String address, ActiveHealthCheck.Status status, long passed,
                              long failed, long timedOut, String lastResult) {

        /** {@link HealthState#HEALTHY} when up, {@link HealthState#UNHEALTHY} when down. */
        public HealthState healthState() {
            return status.healthState();
        }

        /** Checks that have a result. */
        public long checks() {
            return passed + failed + timedOut;
        }
    }
}
