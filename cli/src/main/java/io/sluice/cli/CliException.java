package io.sluice.cli;

/** A failure the user caused or can fix (a missing file, bad input): printed as one line, exit 1. */
public final class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
