package io.sluice.proxy;

import io.sluice.algorithms.Durations;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.config.ConfigException;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.config.proxy.ProxyConfigs;
import io.sluice.proxy.admin.AdminServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy as a long-running process bound to its config file: the {@link Proxy}, its
 * {@link AdminServer}, reloads from the file ({@code POST /reload}, SIGHUP) and the graceful stop
 * (SIGTERM, the JVM's shutdown hook). {@code sluice proxy --config FILE} is this class plus the
 * signal handlers.
 *
 * <h2>Reload</h2>
 * {@link #reload()} re-reads the file and validates all of it; a file with errors, or a valid
 * one the running proxy cannot take ({@code workers} changed, a new listener or admin address
 * that cannot bind), is refused and the configuration in force keeps running untouched. A change
 * of {@code admin.listen} binds the new admin address first and then stops accepting on the old.
 * Reloads are serialised.
 *
 * <h2>Stop</h2>
 * {@link #stop()} drains the proxy ({@link Proxy#shutdown(long)}) within the config's
 * {@code drain-timeout}, then closes the admin API (which answers {@code /ready} with 503 and
 * {@code /live} with 200 meanwhile). It runs once; later and concurrent calls wait for the first.
 *
 * <h2>Readiness</h2>
 * The admin API's {@code /ready} answers 200 once {@link #start} has returned (config loaded,
 * listeners and admin API bound) and 503 from the moment the stop begins; {@code /live} answers 200
 * as long as the admin API does, draining included. See {@link AdminServer}.
 *
 * <p>Thread-safe. Messages for the operator (start, reloads, signals, the stop) go to the SLF4J
 * logger {@code io.sluice.proxy.ProxyDaemon}, one event each.
 */
public final class ProxyDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyDaemon.class);

    private final Path file;
    private final StrategyRegistry registry;
    private final Proxy proxy;
    private final AdminServer admin;
    private final Object reloadLock = new Object();
    private final Object stopLock = new Object();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean stopStarted;
    private volatile boolean drained;
    /** False until the constructor has bound everything; /ready answers 503 until then. */
    private volatile boolean started;
    /** The Kafka control plane when the file has a {@code kafka:} section (read at start only). */
    private final io.sluice.proxy.kafka.KafkaControlPlane kafka;

    private ProxyDaemon(Path file, StrategyRegistry registry, Proxy proxy, ProxyConfig config) {
        this.file = file;
        this.registry = registry;
        this.proxy = proxy;
        try {
            this.admin = AdminServer.start(config.admin().listen(), proxy, () -> reload("POST /reload"),
                    this::readiness);
            this.kafka = config.kafka() == null ? null : io.sluice.proxy.kafka.KafkaControlPlane.start(proxy, config);
        } catch (RuntimeException e) {
            proxy.close();
            throw e;
        }
        started = true;
    }

    /** What {@code /ready} says: not ready before the start has finished or once the stop has begun. */
    private AdminServer.Readiness readiness() {
        if (proxy.stopping()) {
            return AdminServer.Readiness.DRAINING;
        }
        return started ? AdminServer.Readiness.READY : AdminServer.Readiness.STARTING;
    }

    /**
     * Reads {@code file}, starts the proxy and binds the admin API.
     *
     * @throws ConfigException       with every error of the file
     * @throws IllegalStateException when a listener or the admin API cannot bind
     */
    public static ProxyDaemon start(Path file) throws ConfigException {
        return start(file, StrategyRegistry.standard(), Environment.system());
    }

    /** As {@link #start(Path)}, with the strategy registry and environment given. */
    public static ProxyDaemon start(Path file, StrategyRegistry registry, Environment env) throws ConfigException {
        ProxyConfig config = ProxyConfigs.load(Objects.requireNonNull(file, "file"), registry);
        String leakDetection = LeakDetection.applyProcessDefault();
        Proxy proxy = Proxy.start(config, registry, env);
        LOG.info("transport {} (-D{}=auto|epoll|io_uring|nio); Netty leak detection {}", proxy.transport(),
                Transport.PROPERTY, leakDetection);
        return new ProxyDaemon(file, registry, proxy, config);
    }

    /** The running proxy. */
    public Proxy proxy() {
        return proxy;
    }

    /** Where the admin API listens. */
    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    /** The config file reloads read. */
    public Path configFile() {
        return file;
    }

    /**
     * Re-reads the config file and applies it, or refuses it and changes nothing (see the class
     * comment). What {@code POST /reload} and SIGHUP run. Counted in
     * {@code sluice_config_reloads_total} and logged.
     */
    public ReloadResult reload() {
        return reload("reload");
    }

    /** @param cause names what asked for the reload in the log line */
    private ReloadResult reload(String cause) {
        ReloadResult r = apply();
        proxy.metrics().reloaded(r.kind().name().toLowerCase(Locale.ROOT));
        if (r.applied()) {
            LOG.info("{}: {} from {}", cause, r.describe(), file);
        } else {
            LOG.warn("{}: {} (the running config is unchanged)", cause, r.describe());
        }
        return r;
    }

    private ReloadResult apply() {
        synchronized (reloadLock) {
            ProxyConfig next;
            try {
                next = ProxyConfigs.load(file, registry);
            } catch (ConfigException e) {
                return ReloadResult.invalid(e.lines());
            }
            ProxyConfig current = proxy.config();
            boolean moveAdmin = !next.admin().listen().equals(current.admin().listen());
            if (moveAdmin) {
                try {
                    admin.rebind(next.admin().listen());
                } catch (RuntimeException e) {
                    return ReloadResult.refused(e.getMessage());
                }
            }
            try {
                if (kafka != null && !java.util.Objects.equals(next.kafka(), current.kafka())) {
                    LOG.warn("the kafka: section changed; it is read at start only, so the change applies"
                            + " after a restart");
                }
                return ReloadResult.applied(kafka != null ? kafka.fileReloaded(next) : proxy.reload(next));
            } catch (RuntimeException e) {
                if (moveAdmin) {
                    try {
                        admin.rebind(current.admin().listen());
                    } catch (RuntimeException again) {
                        return ReloadResult.refused(e.getMessage() + "; and the admin API could not go back to "
                                + current.admin().listen() + ": " + again.getMessage());
                    }
                }
                return ReloadResult.refused(e.getMessage());
            }
        }
    }

    /** SIGHUP: reloads and logs what happened. */
    public void onHangup() {
        reload("SIGHUP");
    }

    /**
     * SIGTERM: starts the graceful stop on its own thread and returns at once (a signal handler
     * must not block); {@link #awaitStopped()} returns when it is done.
     */
    public void onTerminate() {
        Thread t = new Thread(this::stop, "sluice-stop");
        t.start();
    }

    /**
     * The graceful stop (see the class comment); returns when it is done.
     *
     * @return true when every connection finished within the drain deadline
     */
    public boolean stop() {
        synchronized (stopLock) {
            if (stopStarted) {
                awaitStopped();
                return drained;
            }
            stopStarted = true;
        }
        long drainNanos = proxy.config().drainTimeoutNanos();
        LOG.info("stopping: not ready, no new connections; requests under way have {} to finish",
                Durations.format(drainNanos));
        try {
            drained = proxy.shutdown(drainNanos);
            if (drained) {
                LOG.info("stopped; every connection finished");
            } else {
                LOG.warn("stopped; connections still open at the drain deadline were closed");
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
            admin.close();
            stopped.countDown();
        }
        return drained;
    }

    /** Waits until {@link #stop()} has finished. */
    public void awaitStopped() {
        boolean interrupted = false;
        while (true) {
            try {
                stopped.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits at most {@code timeout} for {@link #stop()} to finish; true when it has. */
    public boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }

    /**
     * Routes SIGHUP to {@link #onHangup()} and SIGTERM to {@link #onTerminate()} where the platform
     * allows it (see {@link Signals}); says on the log what it could not install.
     */
    public void installSignalHandlers() {
        for (String missing : Signals.install(this::onHangup, this::onTerminate)) {
            LOG.warn(missing);
        }
    }

    /** {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }
}
