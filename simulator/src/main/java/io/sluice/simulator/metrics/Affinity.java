package io.sluice.simulator.metrics;

/**
 * Session stickiness of measured requests that carry a device id (the affinity key). A request
 * "lands" on the backend its first attempt was sent to (the routing decision; a retry elsewhere
 * does not count as a move).
 *
 * @param devices                  distinct devices that sent a measured request
 * @param requestsWithPrevious     measured requests whose device had sent an earlier request (warm-up included)
 * @param hits                     of those, the ones that landed on the same backend as the device's previous request
 * @param devicesMoved             devices that landed on another backend than their previous request at least once
 * @param devicesMovedByFailure    devices that moved at least once while their previous backend was crashed or
 *                                 marked down in the deciding load balancer's view: sessions moved by failures
 */
public record Affinity(long devices, long requestsWithPrevious, long hits, long devicesMoved,
                       long devicesMovedByFailure) {

    /** {@code hits / requestsWithPrevious}, NaN when no device sent two requests. */
    public double hitRate() {
        return requestsWithPrevious == 0 ? Double.NaN : (double) hits / requestsWithPrevious;
    }
}
