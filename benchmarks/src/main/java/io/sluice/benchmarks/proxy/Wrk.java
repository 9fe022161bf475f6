package io.sluice.benchmarks.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * wrk with the settings every target shares: its own threads, open connections (each keeps its
 * connection alive for the whole run) and {@code --latency} for the percentiles.
 */
final class Wrk {
    /** How long past its duration a run may take before it is killed: connection set-up and teardown. */
    private static final int SLACK_SECONDS = 30;

    private final Path executable;
    private final int threads;

    Wrk(Path executable, int threads) {
        this.executable = executable;
        this.threads = threads;
    }

    /** {@code wrk -t<threads> -c<connections> -d<seconds>s --latency http://127.0.0.1:<port>/}. */
    List<String> command(int port, int seconds, int connections) {
        return List.of(executable.toString(), "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency",
                "http://" + Loopback.address(port) + "/");
    }

    /**
     * Runs wrk against 127.0.0.1:{@code port} for {@code seconds}, its output kept in {@code output}.
     *
     * @throws IllegalStateException when wrk fails, hangs or prints no result (the message quotes it)
     */
    WrkResult run(ChildProcessGroup children, int port, int seconds, int connections, Path output)
            throws InterruptedException {
        Process wrk = children.start(command(port, seconds, connections), output);
        try {
            if (!wrk.waitFor(seconds + SLACK_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("wrk did not finish within " + (seconds + SLACK_SECONDS) + " s");
            }
        } finally {
            children.stop(wrk);
        }
        String text;
        try {
            text = Files.readString(output);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read wrk's output " + output + ": " + e.getMessage(), e);
        }
        try {
            return WrkResult.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("wrk (exit " + wrk.exitValue() + "): " + e.getMessage(), e);
        }
    }

    String describe(int connections) {
        return "wrk -t" + threads + " -c" + connections + " --latency";
    }
}
