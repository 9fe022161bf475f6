package io.sluice.proxy;

import io.netty.util.ResourceLeakDetector;
import java.util.Locale;

/**
 * Netty's buffer leak detector in the proxy process. Netty samples one buffer allocation in 128 by
 * default ({@code simple}) and records a stack trace for each: a cost on every request path that
 * allocates, for a check that belongs in tests (which run at {@code paranoid}, see the surefire
 * configuration). The proxy process turns it off unless the operator chose a level with
 * {@code -Dio.netty.leakDetection.level=simple|advanced|paranoid} (then that level stands).
 */
final class LeakDetection {
    private LeakDetection() {
    }

    /**
     * Disables the detector unless a level was set on the command line.
     *
     * @return the level in force, for the startup log
     */
    static String applyProcessDefault() {
        boolean chosen = System.getProperty("io.netty.leakDetection.level") != null
                || System.getProperty("io.netty.leakDetectionLevel") != null;
        if (!chosen) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        return ResourceLeakDetector.getLevel().name().toLowerCase(Locale.ROOT) + (chosen ? " (as asked)" : "");
    }
}
