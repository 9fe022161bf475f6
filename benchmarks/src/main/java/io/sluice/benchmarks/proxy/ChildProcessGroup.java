package io.sluice.benchmarks.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Every process this benchmark starts (backends, proxies, wrk), so that none outlives it: each is
 * stopped when the group is closed, and by a shutdown hook if the JVM is stopped first (Ctrl-C,
 * kill, the parent {@code sluice} command's own reaper). Safe to use from the main thread while the
 * hook runs.
 */
final class ChildProcessGroup implements AutoCloseable {
    /** How long a process may take to exit after SIGTERM before it is killed outright. */
    private static final Duration GRACE = Duration.ofSeconds(3);

    private final List<Process> live = new CopyOnWriteArrayList<>();
    private final Thread reaper = new Thread(this::shutDown, "proxy-bench-reaper");
    private volatile boolean shuttingDown;

    ChildProcessGroup() {
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Whether the JVM is shutting down (Ctrl-C, kill): the children are being stopped under the
     * benchmark's feet, so whatever it measures from now on is not a result.
     */
    boolean shuttingDown() {
        return shuttingDown;
    }

    /**
     * Starts {@code command} with stdout and stderr appended to {@code log}.
     *
     * @throws IllegalStateException when the JVM is shutting down
     */
    Process start(List<String> command, Path log) {
        return start(command, log, java.util.Map.of());
    }

    /** As {@link #start(List, Path)}, with {@code environment} added to the child's environment. */
    Process start(List<String> command, Path log, java.util.Map<String, String> environment) {
        if (shuttingDown) {
            throw new IllegalStateException("shutting down; not starting " + command.get(0));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            live.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
    }

    /** Starts {@code command} with its output readable through {@link Process#getInputStream()}. */
    Process startCaptured(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            live.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
    }

    /**
     * Stops {@code process} and everything it started (NGINX's workers): SIGTERM, then SIGKILL for
     * whatever is still alive after {@link #GRACE}. Descendants are listed before the parent is
     * signalled, since once it is gone they are no longer its descendants.
     */
    void stop(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle child : descendants) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
        live.remove(process);
    }

    private void shutDown() {
        shuttingDown = true;
        stopAll();
    }

    private void stopAll() {
        for (Process process : live) {
            stop(process);
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or has run; nothing left to remove.
        }
    }
}
