package io.sluice.config.policy;

import io.sluice.config.OldKeys;
import java.time.Duration;

/**
 * {@code session-persistence:} how a client's requests stick to one backend; see
 * {@link io.sluice.algorithms.policy.AffinityPolicy} for the modes, defaults and ranges.
 */
@OldKeys({"ttl = idle-ttl"})
public record SessionPersistenceSection(String mode, String name, String identity, Boolean stickTable, Duration idleTtl,
                                        Long maxEntries, Long stripes) {
}
