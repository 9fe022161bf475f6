package io.sluice.config.scenario;

import java.time.Duration;

/**
 * One scripted event: {@code kind} (crash, recover, slowdown, stall) to {@code backend} {@code at} a
 * time; slowdowns and stalls last {@code duration}, a slowdown works {@code factor} times slower.
 */
public record EventSection(String kind, String backend, Duration at, Duration duration, Double factor) {
}
