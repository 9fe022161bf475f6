package io.sluice.reports;

/**
 * An input file a report cannot use: missing, not JSON, of an unknown kind, or with a field that is
 * missing, mistyped or inconsistent. The message is one line the user can act on and starts with
 * the file as the user named it, then the JSON path of the field:
 * <pre>{@code results.json: runs[2].summary.latencyMs.p99: expected a number, got "abc"}</pre>
 *
 * <p>An {@link IllegalArgumentException}, so a command line that prints those as one line and
 * exits 1 handles it without knowing this class.
 */
public final class ReportInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message the whole message, file and JSON path first */
    public ReportInputException(String message) {
        super(message);
    }

    /** @param message the whole message, file and JSON path first */
    public ReportInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A problem with one field: {@code source + ": " + path + ": " + problem}, or without the path
     * when it is empty (the document as a whole).
     */
    public static ReportInputException at(String source, String path, String problem) {
        return new ReportInputException(path.isEmpty() ? source + ": " + problem : source + ": " + path + ": " + problem);
    }
}
