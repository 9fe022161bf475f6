package io.sluice.simulator.workload;

/**
 * One request arrival, filled in place by an {@link ArrivalStream} so the engine's hot loop
 * allocates nothing per request. Not thread-safe; owned by one stream and its reader.
 */
public final class Arrival {
    /** Arrival time in virtual nanoseconds from the start of the run, nondecreasing along a stream. */
    public long timeNanos;
    /** The device (or client) identity: the affinity key for hashing and affinity strategies. */
    public String deviceId;
    /** {@code io.sluice.algorithms.Hashing.hash64(deviceId)}, computed once per device, not per arrival. */
    public long keyHash;
    /** Message type (e.g. a LoRaWAN port), or -1 when unknown. */
    public int type = -1;
    /** Payload size in bytes, or -1 when unknown. */
    public int sizeBytes = -1;
    /**
     * Service demand as a multiple of the mean service time (1.0 = an average request), or NaN when
     * the workload does not say and the backend model draws it from its distribution.
     */
    public double serviceDemand = Double.NaN;
    /**
     * Service demand in nanoseconds of work at speed 1, as observed in production (a replayed
     * access log's upstream time to first byte), or -1 when the workload does not say. Takes
     * precedence over {@link #serviceDemand}.
     */
    public long serviceNanos = -1;

    /** Resets every optional field; the stream then sets what it knows. */
    public void clear() {
        timeNanos = 0;
        deviceId = null;
        keyHash = 0;
        type = -1;
        sizeBytes = -1;
        serviceDemand = Double.NaN;
        serviceNanos = -1;
    }
}
