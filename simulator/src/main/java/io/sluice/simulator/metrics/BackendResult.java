package io.sluice.simulator.metrics;

/**
 * One backend over the measured window.
 *
 * @param id          backend id
 * @param requests    attempts sent to it by measured requests (retries count on the backend they went to)
 * @param completed   of those, served successfully
 * @param utilisation busy server time over capacity ({@code concurrency x window}), in [0, 1]; a
 *                    stalled backend that holds requests counts as busy, a crashed one as idle
 */
public record BackendResult(String id, long requests, long completed, double utilisation) {
}
