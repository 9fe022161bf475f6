package io.sluice.proxy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guard itself: a deliberately leaked buffer is reported, so a real leak would fail its class. */
class NettyLeakCheckTest {
    @Test
    void leakDetectionIsParanoidAndRecorded() {
        assertThat(RecordingLeakDetector.installed()).as("surefire sets io.netty.customResourceLeakDetector").isTrue();
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    }

    @Test
    void aLeakedBufferIsReported() {
        leak();
        List<String> leaks = new ArrayList<>();
        for (int attempt = 0; attempt < 20 && leaks.isEmpty(); attempt++) {
            leaks.addAll(NettyLeakCheck.collect());
        }
        assertThat(leaks).as("the buffer leaked on purpose").isNotEmpty();
        assertThat(leaks.get(0)).startsWith("LEAK: ByteBuf");
    }

    private static void leak() {
        ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.directBuffer(64);
        buf.writeInt(42);
        // Never released: the reference is dropped here.
    }
}
