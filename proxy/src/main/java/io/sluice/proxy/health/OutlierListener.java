package io.sluice.proxy.health;

import io.sluice.algorithms.health.OutlierEvent;

/**
 * Told what passive outlier detection did. Called on the {@link PassiveOutlierMonitor}'s executor
 * only, one call at a time, so it needs no locking of its own; it must be quick and should not
 * throw (an exception is caught and ignored).
 */
@FunctionalInterface
public interface OutlierListener {

    /**
     * Something happened to one backend.
     *
     * @param event      what: EJECTED, RESTORED or SUPPRESSED (an outlier left in because of the
     *                   ejection budget), for logs and metrics
     * @param ejectedNow whether the detector has the backend ejected at the time of this call. Apply
     *                   this, not the event's kind: events are detected on the data path's threads
     *                   and delivered here later, so an EJECTED event may in principle arrive after
     *                   the RESTORED that ended it; the current truth is order-proof. Wiring:
     *                   {@code aggregator.setEjected(event.backendId(), ejectedNow)}.
     */
    void onOutlierEvent(OutlierEvent event, boolean ejectedNow);
}
