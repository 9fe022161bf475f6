package io.sluice.simulator.scenario;

/**
 * A scenario's {@code compare-protection}: every strategy runs twice on the same seeds, once
 * without the tier's protection (no rate limits, no adaptive concurrency) and once with it, and
 * the report sets the two side by side.
 *
 * @param misbehavingDevices the device-id prefix of the misbehaving devices, or null when every
 *                           device counts as well-behaved
 */
public record ProtectionComparison(String misbehavingDevices) {
    /** What the protected run's label adds to the strategy's. */
    public static final String SUFFIX = " +protection";
}
