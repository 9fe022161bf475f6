package io.sluice.algorithms.health;

/**
 * How one request to a backend ended, as passive outlier detection classifies it (Envoy's outlier
 * detection with {@code split_external_local_origin_errors: false}, its default, where local-origin
 * errors are counted with the upstream's 5xx).
 *
 * <table>
 *   <caption>Which consecutive-failure counter each outcome advances</caption>
 *   <tr><th>outcome</th><th>consecutive 5xx</th><th>consecutive gateway failure</th></tr>
 *   <tr><td>{@link #SUCCESS}</td><td>reset</td><td>reset</td></tr>
 *   <tr><td>{@link #SERVER_ERROR}</td><td>+1</td><td>reset</td></tr>
 *   <tr><td>{@link #GATEWAY_ERROR}</td><td>+1</td><td>+1</td></tr>
 *   <tr><td>{@link #LOCAL_ORIGIN_FAILURE}</td><td>+1</td><td>+1</td></tr>
 * </table>
 */
public enum RequestOutcome {
    /** Anything but a 5xx, including 4xx: the backend did its job. */
    SUCCESS,
    /** A 5xx other than 502, 503 and 504. */
    SERVER_ERROR,
    /** 502, 503 or 504: Envoy's "gateway errors". */
    GATEWAY_ERROR,
    /** The proxy could not get an answer at all: connect failure, reset, timeout. */
    LOCAL_ORIGIN_FAILURE;

    /** The outcome of an HTTP response with this status code. */
    public static RequestOutcome ofHttpStatus(int status) {
        if (status == 502 || status == 503 || status == 504) {
            return GATEWAY_ERROR;
        }
        return status >= 500 && status <= 599 ? SERVER_ERROR : SUCCESS;
    }

    /** True for every outcome but {@link #SUCCESS}: it advances the consecutive-5xx counter. */
    public boolean isFailure() {
        return this != SUCCESS;
    }

    /** True for {@link #GATEWAY_ERROR} and {@link #LOCAL_ORIGIN_FAILURE}. */
    public boolean isGatewayFailure() {
        return this == GATEWAY_ERROR || this == LOCAL_ORIGIN_FAILURE;
    }
}
