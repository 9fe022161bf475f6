package io.sluice.simulator.model;

/** How a backend shares its servers among the requests it holds. */
public enum Discipline {
    /**
     * First come, first served: up to {@code concurrency} requests are served at full speed, the
     * rest wait in arrival order (a thread pool with a queue).
     */
    FIFO,
    /**
     * Processor sharing: every request held is served at once, each at rate
     * {@code min(1, concurrency / n)} of a server when {@code n} are held (a CPU-bound server with
     * more threads than cores). Mean response of M/G/1-PS is {@code 1 / (mu - lambda)} whatever the
     * service distribution.
     */
    PROCESSOR_SHARING
}
