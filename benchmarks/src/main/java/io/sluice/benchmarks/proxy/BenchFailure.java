package io.sluice.benchmarks.proxy;

/** Why the whole benchmark cannot go on (a tool missing, a backend that would not start): one line, exit 1. */
final class BenchFailure extends RuntimeException {
    BenchFailure(String message) {
        super(message);
    }

    BenchFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
