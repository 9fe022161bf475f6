package io.sluice.cli;

import java.util.List;

/**
 * How long JMH measures each trial: forks, warmup and measurement iterations and their length.
 * Every {@code sluice bench} subcommand that runs JMH picks one of these.
 *
 * @param warmupMillis      length of one warmup iteration
 * @param measurementMillis length of one measurement iteration
 */
record JmhProfile(String name, int forks, int warmupIterations, long warmupMillis, int measurementIterations,
                  long measurementMillis) {
    /** Enough for numbers worth comparing on a quiet machine: 1 fork, 2 x 1 s warmup, 5 x 1 s measured. */
    static final JmhProfile STANDARD = new JmhProfile("standard", 1, 2, 1000, 5, 1000);
    /** A smoke test that the pipeline works, numbers rough: 1 fork, 1 x 0.2 s warmup, 3 x 0.2 s measured. */
    static final JmhProfile QUICK = new JmhProfile("quick", 1, 1, 200, 3, 200);

    /** A rough per-trial allowance for starting the forked JVM, for time estimates only. */
    private static final long FORK_START_MILLIS = 1500;

    /** The JMH command-line options of this profile. */
    List<String> jmhOptions() {
        return List.of("-f", Integer.toString(forks),
                "-wi", Integer.toString(warmupIterations), "-w", warmupMillis + "ms",
                "-i", Integer.toString(measurementIterations), "-r", measurementMillis + "ms");
    }

    /** About how long {@code trials} trials take, in seconds. */
    long estimateSeconds(int trials) {
        long perFork = FORK_START_MILLIS + warmupIterations * warmupMillis + measurementIterations * measurementMillis;
        return Math.round(trials * forks * perFork / 1000.0);
    }

    /** One line for humans: {@code 1 fork, 2 warmup x 1000 ms, 5 measurement x 1000 ms}. */
    String describe() {
        return forks + (forks == 1 ? " fork, " : " forks, ") + warmupIterations + " warmup x " + warmupMillis
                + " ms, " + measurementIterations + " measurement x " + measurementMillis + " ms";
    }
}
