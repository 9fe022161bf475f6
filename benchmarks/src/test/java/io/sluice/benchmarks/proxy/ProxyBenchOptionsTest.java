package io.sluice.benchmarks.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProxyBenchOptionsTest {
    @Test
    void defaultsAreThreeRoundsOfTenSecondsAtOneAndTwoThreads() {
        ProxyBenchOptions o = ProxyBenchOptions.parse();
        assertThat(o.threads()).containsExactly(1, 2);
        assertThat(o.rounds()).isEqualTo(3);
        assertThat(o.durationSeconds()).isEqualTo(10);
        assertThat(o.warmupSeconds()).isEqualTo(5);
        assertThat(o.connections()).containsExactly(64, 256);
        assertThat(o.coldSeconds()).isEqualTo(10);
        assertThat(o.transport()).isEqualTo("auto");
        assertThat(o.wrkThreads()).isEqualTo(1);
        assertThat(o.sluice()).isNull();
        assertThat(o.install()).isTrue();
        assertThat(o.quick()).isFalse();
        assertThat(o.out().toString()).startsWith("results/proxy-bench-");
    }

    @Test
    void quickShortensTheRunsButExplicitOptionsWin() {
        ProxyBenchOptions quick = ProxyBenchOptions.parse("--quick");
        assertThat(quick.durationSeconds()).isEqualTo(2);
        assertThat(quick.warmupSeconds()).isEqualTo(1);
        assertThat(quick.rounds()).isEqualTo(3);
        assertThat(quick.coldSeconds()).isEqualTo(2);
        ProxyBenchOptions explicit = ProxyBenchOptions.parse("--quick", "--duration", "5s", "--warmup=0");
        assertThat(explicit.durationSeconds()).isEqualTo(5);
        assertThat(explicit.warmupSeconds()).isZero();
    }

    @Test
    void everyOptionIsReadInBothForms() {
        ProxyBenchOptions o = ProxyBenchOptions.parse("--threads=2,1,2", "--rounds", "5", "--duration", "1m",
                "--connections", "256,64", "--wrk-threads=2", "--out", "/tmp/x", "--sluice", "/src/sluice",
                "--no-install", "--cold=0s", "--transport", "io-uring");
        assertThat(o.threads()).containsExactly(2, 1);
        assertThat(o.rounds()).isEqualTo(5);
        assertThat(o.durationSeconds()).isEqualTo(60);
        assertThat(o.connections()).containsExactly(256, 64);
        assertThat(o.coldSeconds()).isZero();
        assertThat(o.transport()).isEqualTo("io_uring");
        assertThat(o.wrkThreads()).isEqualTo(2);
        assertThat(o.out()).isEqualTo(Path.of("/tmp/x"));
        assertThat(o.sluice()).isEqualTo(Path.of("/src/sluice"));
        assertThat(o.install()).isFalse();
    }

    @Test
    void durationsAreWholeSecondsOrMinutes() {
        assertThat(ProxyBenchOptions.seconds("--duration", "10")).isEqualTo(10);
        assertThat(ProxyBenchOptions.seconds("--duration", "10s")).isEqualTo(10);
        assertThat(ProxyBenchOptions.seconds("--duration", "2M")).isEqualTo(120);
        assertThatThrownBy(() -> ProxyBenchOptions.seconds("--duration", "1.5s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole seconds");
        assertThatThrownBy(() -> ProxyBenchOptions.seconds("--duration", "500ms"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProxyBenchOptions.seconds("--duration", "-3s"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void outOfRangeValuesAreRefusedWithTheRange() {
        assertThatThrownBy(() -> ProxyBenchOptions.parse("--rounds", "0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--rounds must be between 1 and 100, not 0");
        assertThatThrownBy(() -> ProxyBenchOptions.parse("--threads", "0,1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--threads must be between 1");
        assertThatThrownBy(() -> ProxyBenchOptions.parse("--threads", ","))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
        assertThatThrownBy(() -> ProxyBenchOptions.parse("--duration", "0s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--duration must be between 1");
        assertThatThrownBy(() -> ProxyBenchOptions.parse("--connections", "-1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void moreWrkThreadsThanConnectionsIsRefused() {
        assertThatThrownBy(() -> ProxyBenchOptions.parse("--transport", "kqueue"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--transport must be one of");
        assertThatThrownBy(() -> ProxyBenchOptions.parse("--connections", "64,2", "--wrk-threads", "4"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds --connections 2");
    }

    @Test
    void unknownOptionsAndMissingValuesAreRefused() {
        assertThatThrownBy(() -> ProxyBenchOptions.parse("--speed", "fast"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option '--speed'")
                .hasMessageContaining("usage:");
        assertThatThrownBy(() -> ProxyBenchOptions.parse("--rounds"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--rounds needs a value");
        assertThatThrownBy(() -> ProxyBenchOptions.parse("--rounds", "three"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole number");
    }
}
