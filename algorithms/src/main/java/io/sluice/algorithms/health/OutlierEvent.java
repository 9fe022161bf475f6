package io.sluice.algorithms.health;

import io.sluice.algorithms.Durations;

import java.util.Objects;

/**
 * Something outlier detection did to one backend. Immutable.
 *
 * @param kind           what happened
 * @param backendId      to which backend
 * @param reason         the rule that fired; for {@link Kind#RESTORED}, the rule of the ejection that ended
 * @param atNanos        when, on the caller's clock
 * @param ejectionNanos  for {@link Kind#EJECTED}, how long the ejection lasts; otherwise 0
 * @param multiplier     for {@link Kind#EJECTED}, the back-off multiplier of base ejection time used; otherwise 0
 */
public record OutlierEvent(Kind kind, String backendId, EjectionReason reason, long atNanos, long ejectionNanos,
                           int multiplier) {

    /** The three things that can happen. */
    public enum Kind {
        /** The backend was taken out of the available set. */
        EJECTED,
        /** Its ejection time passed and it is available again. */
        RESTORED,
        /**
         * The backend was found to be an outlier but not ejected, because ejecting it would have
         * exceeded the maximum ejected percentage (Envoy's {@code ejections_overflow}).
         */
        SUPPRESSED
    }

    /** @throws NullPointerException when kind, backend id or reason is missing */
    public OutlierEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(backendId, "backendId");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return kind + " " + backendId + " (" + reason + ")"
                + (kind == Kind.EJECTED ? " for " + Durations.format(ejectionNanos) + " x" + multiplier : "");
    }
}
