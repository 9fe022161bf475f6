package io.sluice.benchmarks.proxy;

/**
 * One measured wrk run of one target.
 *
 * @param threads             the proxies' worker threads in this run's matrix
 * @param connections         wrk's connections in this run
 * @param round               1-based round number; 0 for the run in the first seconds after the
 *                            proxy started (JIT warm-up), reported apart
 * @param target              what wrk was pointed at
 * @param wrk                 what wrk reported
 * @param cpuMicrosPerRequest CPU time (user + system) the target's processes used during the run,
 *                            divided by the requests completed, in microseconds; for the direct
 *                            target, backend b1's; NaN when it could not be read
 */
record Run(int threads, int connections, int round, Target target, WrkResult wrk, double cpuMicrosPerRequest) {
    /** The round number of a run taken right after the proxy started. */
    static final int COLD = 0;
}
