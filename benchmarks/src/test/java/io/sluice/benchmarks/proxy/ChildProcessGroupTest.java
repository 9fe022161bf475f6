package io.sluice.benchmarks.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No process outlives the benchmark: stopping a child also stops what it started (NGINX's workers). */
class ChildProcessGroupTest {
    @TempDir
    Path dir;

    @Test
    void stoppingAChildStopsItsDescendantsToo() throws Exception {
        ChildProcessGroup group = new ChildProcessGroup();
        try {
            // A shell that starts a grandchild and waits for it, the shape of an NGINX master and worker.
            Process parent = group.start(List.of("sh", "-c", "sleep 60 & wait"), dir.resolve("log"));
            ProcessHandle grandchild = awaitDescendant(parent);
            group.stop(parent);
            assertThat(parent.isAlive()).isFalse();
            assertThat(grandchild.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
        } finally {
            group.close();
        }
    }

    @Test
    void closingTheGroupStopsEveryChildStillRunning() throws Exception {
        Process a;
        Process b;
        try (ChildProcessGroup group = new ChildProcessGroup()) {
            a = group.start(List.of("sleep", "60"), dir.resolve("a.log"));
            b = group.start(List.of("sleep", "60"), dir.resolve("b.log"));
            assertThat(a.isAlive()).isTrue();
        }
        assertThat(a.isAlive()).isFalse();
        assertThat(b.isAlive()).isFalse();
    }

    private static ProcessHandle awaitDescendant(Process parent) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            var child = parent.descendants().findFirst();
            if (child.isPresent()) {
                return child.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the shell started no child");
    }
}
