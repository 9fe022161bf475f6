package io.sluice.simulator.engine;

/**
 * The run's virtual time in nanoseconds, advanced only by the engine's main loop and read by every
 * part of the engine (and, through the environment, by the strategies). Not thread-safe: one run,
 * one thread.
 */
final class VirtualClock {
    /** Now, in nanoseconds from the start of the run. */
    long now;

    long now() {
        return now;
    }
}
