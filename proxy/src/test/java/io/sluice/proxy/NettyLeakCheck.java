package io.sluice.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector (paranoid in surefire) reported a leaked buffer
 * during it. The detector only logs; this extension listens to that log, and after the class runs
 * collects garbage and allocates a little, which is when the detector reports what the collector
 * found unreleased.
 */
public final class NettyLeakCheck implements AfterAllCallback {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    // Held strongly: java.util.logging keeps loggers only weakly, and the handler must survive.
    private static final Logger DETECTOR_LOG = Logger.getLogger("io.netty.util.ResourceLeakDetector");

    static {
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        DETECTOR_LOG.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                String m = record.getMessage();
                if (m != null && m.contains("LEAK:")) {
                    LEAKS.add(m);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(20);
            for (int i = 0; i < 64; i++) {
                ByteBuf b = ByteBufAllocator.DEFAULT.buffer(16);
                b.release();
            }
        }
        if (!LEAKS.isEmpty()) {
            List<String> found = List.copyOf(LEAKS);
            LEAKS.clear();
            throw new AssertionError(found.size() + " leaked buffer(s) reported by Netty:\n"
                    + String.join("\n\n", found));
        }
    }
}
