package io.sluice.simulator.workload;

/**
 * Bad workload input: a malformed trace line (message names file:line and the field) or an invalid
 * workload section of a scenario (message names the YAML path and what is allowed).
 */
public final class WorkloadException extends RuntimeException {
    public WorkloadException(String message) {
        super(message);
    }

    public WorkloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
