package io.sluice.proxy;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting on a condition with a deadline, the one way the proxy's tests wait. */
final class Await {
    /** Between two looks at the condition: short against every deadline, long enough not to spin a core. */
    private static final long POLL_MILLIS = 5;

    private Await() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} when it does not within {@code timeoutNanos}. */
    static void until(String what, long timeoutNanos, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms: " + what);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, e);
            }
        }
    }
}
