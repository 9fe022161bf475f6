package io.sluice.benchmarks.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopbackTest {
    @Test
    void freePortsAreDistinctAndBindableOnLoopback() throws Exception {
        List<Integer> ports = Loopback.freePorts(4);
        assertThat(ports).hasSize(4).doesNotHaveDuplicates().allSatisfy(p -> assertThat(p).isBetween(1, 65535));
        for (int port : ports) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(Loopback.HOST), port));
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void zeroPortsIsAnEmptyList() {
        assertThat(Loopback.freePorts(0)).isEmpty();
    }

    @Test
    void anAddressIsLoopbackAndPort() {
        assertThat(Loopback.address(8080)).isEqualTo("127.0.0.1:8080");
    }
}
