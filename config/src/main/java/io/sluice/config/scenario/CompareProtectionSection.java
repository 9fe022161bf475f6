package io.sluice.config.scenario;

/**
 * {@code compare-protection:} runs every strategy twice, without and with the load-balancer tier's
 * protection ({@code rate-limits} and {@code adaptive-concurrency}), on the same seeds, so the
 * report can set them side by side.
 *
 * @param misbehavingDevices the device-id prefix of the misbehaving devices (a runaway firmware's);
 *                           the report's well-behaved figures are of every other device. Absent:
 *                           every device counts as well-behaved.
 */
public record CompareProtectionSection(String misbehavingDevices) {
}
