package io.sluice.benchmarks.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SluiceConfigTest {
    @Test
    void readsTheTransportFromTheProxysStartupLogLine(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("sluice.log");
        Files.writeString(log, """
                16:27:50.101 INFO  i.s.p.ProxyDaemon - config /tmp/x.yaml: 1 listener, 1 cluster
                16:27:50.102 INFO  i.s.p.ProxyDaemon - transport io_uring (-Dsluice.transport=auto|epoll|io_uring|nio); Netty leak detection DISABLED
                """);

        assertThat(SluiceConfig.transportFromLog(log)).isEqualTo("io_uring");
    }

    @Test
    void saysUnknownWhenNoLineNamesTheTransport(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("sluice.log");
        Files.writeString(log, "sluice: error: config.yaml:3: listeners[0].port: expected a number\n");

        assertThat(SluiceConfig.transportFromLog(log)).isEqualTo("unknown");
        assertThat(SluiceConfig.transportFromLog(dir.resolve("missing.log"))).isEqualTo("unknown");
    }
}
