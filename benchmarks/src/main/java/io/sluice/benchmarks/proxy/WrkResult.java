package io.sluice.benchmarks.proxy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one {@code wrk --latency} run reports, in fixed units: requests per second, the latency
 * percentiles in microseconds, and every kind of failure wrk counts.
 *
 * <p>wrk prints times with a unit it picks per value ({@code 486.00us}, {@code 2.89ms},
 * {@code 1.11s}; {@code m} and {@code h} past a minute: its {@code units.c} scales by 1000 up to
 * seconds, then by 60), so {@code 99%   22.77ms} and {@code 50%  486.00us} must be normalised
 * before they can be compared or averaged. Requests/sec is always a plain number.
 *
 * <p>wrk is a closed-loop generator: each connection sends its next request only when the previous
 * answer arrived, so a stall delays the requests that would have been sent meanwhile instead of
 * recording them as slow. Its percentiles are therefore <em>not</em> corrected for coordinated
 * omission; they compare targets measured the same way, which is all this benchmark needs.
 *
 * @param requestsPerSecond wrk's {@code Requests/sec}: completed requests over the run's wall time
 * @param requests          completed requests ({@code N requests in ...})
 * @param p50Micros         median latency, microseconds
 * @param p75Micros         75th percentile, microseconds
 * @param p90Micros         90th percentile, microseconds
 * @param p99Micros         99th percentile, microseconds
 * @param connectErrors     sockets that failed to connect
 * @param readErrors        reads that failed (often a connection the server closed)
 * @param writeErrors       writes that failed
 * @param timeouts          requests with no answer within wrk's {@code --timeout} (not in the percentiles)
 * @param non2xx            answers whose status was not 2xx or 3xx
 */
record WrkResult(double requestsPerSecond, long requests, double p50Micros, double p75Micros, double p90Micros,
                 double p99Micros, long connectErrors, long readErrors, long writeErrors, long timeouts,
                 long non2xx) {

    private static final Pattern REQUESTS_PER_SECOND = Pattern.compile("(?m)^Requests/sec:\\s+([0-9.]+)\\s*$");
    private static final Pattern REQUESTS = Pattern.compile("(?m)^\\s*(\\d+) requests in ");
    private static final Pattern PERCENTILE =
            Pattern.compile("(?m)^\\s*(\\d+(?:\\.\\d+)?)%\\s+([0-9.]+)(us|ms|s|m|h)\\s*$");
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "(?m)^\\s*Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)\\s*$");
    private static final Pattern NON_2XX = Pattern.compile("(?m)^\\s*Non-2xx or 3xx responses: (\\d+)\\s*$");
    private static final Pattern TIME = Pattern.compile("([0-9.]+)(us|ms|s|m|h)");

    /** Failures of any kind wrk counted; a clean run has none. */
    long errors() {
        return connectErrors + readErrors + writeErrors + timeouts + non2xx;
    }

    /**
     * Parses the standard output of {@code wrk --latency}.
     *
     * @throws IllegalArgumentException naming what is missing when the text is not a finished wrk
     *                                  run with a latency distribution (wrk's own complaint, such as
     *                                  {@code unable to connect to ...}, is quoted)
     */
    static WrkResult parse(String output) {
        Matcher rps = REQUESTS_PER_SECOND.matcher(output);
        if (!rps.find()) {
            throw new IllegalArgumentException("not a finished wrk run (no 'Requests/sec:' line): "
                    + firstLine(output));
        }
        Matcher requests = REQUESTS.matcher(output);
        if (!requests.find()) {
            throw new IllegalArgumentException("wrk output has no 'N requests in' line: " + firstLine(output));
        }
        double p50 = Double.NaN;
        double p75 = Double.NaN;
        double p90 = Double.NaN;
        double p99 = Double.NaN;
        Matcher percentile = PERCENTILE.matcher(output);
        while (percentile.find()) {
            double micros = micros(Double.parseDouble(percentile.group(2)), percentile.group(3));
            switch (percentile.group(1)) {
                case "50" -> p50 = micros;
                case "75" -> p75 = micros;
                case "90" -> p90 = micros;
                case "99" -> p99 = micros;
                default -> {
                    // wrk --latency prints exactly these four; a script may print others, not used here.
                }
            }
        }
        if (Double.isNaN(p50) || Double.isNaN(p99)) {
            throw new IllegalArgumentException("wrk output has no latency distribution (was --latency passed?)");
        }
        long connect = 0;
        long read = 0;
        long write = 0;
        long timeout = 0;
        Matcher socket = SOCKET_ERRORS.matcher(output);
        if (socket.find()) {
            connect = Long.parseLong(socket.group(1));
            read = Long.parseLong(socket.group(2));
            write = Long.parseLong(socket.group(3));
            timeout = Long.parseLong(socket.group(4));
        }
        Matcher non2xx = NON_2XX.matcher(output);
        long bad = non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0;
        return new WrkResult(Double.parseDouble(rps.group(1)), Long.parseLong(requests.group(1)), p50, p75, p90, p99,
                connect, read, write, timeout, bad);
    }

    /**
     * A wrk time such as {@code 2.89ms} in microseconds.
     *
     * @throws IllegalArgumentException when it is not a number followed by us, ms, s, m or h
     */
    static double micros(String time) {
        Matcher m = TIME.matcher(time.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a wrk time (number then us, ms, s, m or h): '" + time + "'");
        }
        return micros(Double.parseDouble(m.group(1)), m.group(2));
    }

    private static double micros(double value, String unit) {
        return switch (unit) {
            case "us" -> value;
            case "ms" -> value * 1e3;
            case "s" -> value * 1e6;
            case "m" -> value * 60e6;
            case "h" -> value * 3600e6;
            default -> throw new IllegalArgumentException("unknown wrk time unit '" + unit + "'");
        };
    }

    private static String firstLine(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return "(no output)";
        }
        int nl = trimmed.indexOf('\n');
        return "'" + (nl < 0 ? trimmed : trimmed.substring(0, nl)) + "'";
    }
}
