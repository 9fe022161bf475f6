package io.sluice.simulator.metrics;

/**
 * How the measured requests (those that arrived inside the measured window) ended. Every measured
 * request is counted exactly once in {@code succeeded + errors + timeouts + rejected + unavailable
 * + unfinished + rateLimited + shed = requests}; a retried request counts once, by its last attempt.
 *
 * @param requests    measured requests
 * @param succeeded   answered successfully
 * @param errors      failed because the backend crashed or was unreachable
 * @param timeouts    the last attempt exceeded the request timeout
 * @param rejected    the last attempt found the backend's queue full
 * @param unavailable no backend was available to pick
 * @param unfinished  still in flight when the run stopped (the drain limit was reached)
 * @param retries     extra attempts made for measured requests
 * @param rateLimited refused by the load balancer's rate limits (HTTP 429), never sent to a backend
 * @param shed        refused by the load balancer's adaptive concurrency limit (HTTP 503), never sent
 */
public record Outcomes(long requests, long succeeded, long errors, long timeouts, long rejected, long unavailable,
                       long unfinished, long retries, long rateLimited, long shed) {

    /** Outcomes of a run without protection: nothing rate-limited or shed. */
    public Outcomes(long requests, long succeeded, long errors, long timeouts, long rejected, long unavailable,
                    long unfinished, long retries) {
        this(requests, succeeded, errors, timeouts, rejected, unavailable, unfinished, retries, 0, 0);
    }

    /** Requests the load balancer let through its rate limits and concurrency limit. */
    public long admitted() {
        return requests - rateLimited - shed;
    }

    public double errorRate() {
        return rate(errors);
    }

    public double timeoutRate() {
        return rate(timeouts);
    }

    public double rejectionRate() {
        return rate(rejected);
    }

    public double unavailableRate() {
        return rate(unavailable);
    }

    /** Share of measured requests that did not succeed, for whatever reason. */
    public double failureRate() {
        return requests == 0 ? 0 : 1.0 - (double) succeeded / requests;
    }

    private double rate(long n) {
        return requests == 0 ? 0 : (double) n / requests;
    }
}
