package io.sluice.proxy.health;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckSpecTest {
    private static final long MS = 1_000_000L;

    @Test
    void defaults() {
        CheckSpec s = CheckSpec.http("/health");
        assertThat(s.kind()).isEqualTo(CheckSpec.Kind.HTTP);
        assertThat(s.expectStatus()).isEqualTo("200-399");
        assertThat(s.timeoutNanos()).isEqualTo(1_000 * MS);
        assertThat(s.keepAlive()).isFalse();
        assertThat(s.host()).isNull();
        assertThat(s.spreadPercent()).isEqualTo(5);
        assertThat(s.toString()).isEqualTo("http GET /health expect 200-399 timeout 1s");
        assertThat(CheckSpec.tcp().toString()).isEqualTo("tcp timeout 1s");
        assertThat(CheckSpec.mqtt().toString()).isEqualTo("mqtt CONNECT expect CONNACK accepted timeout 1s");
        assertThat(CheckSpec.coap().toString()).isEqualTo("coap ping expect RST timeout 1s");
    }

    @Test
    void eachPolicyTypeMakesItsKindOfCheck() {
        for (io.sluice.algorithms.policy.HealthCheckPolicy.Type t : io.sluice.algorithms.policy.HealthCheckPolicy.Type
                .values()) {
            CheckSpec s = CheckSpec.of(io.sluice.algorithms.policy.HealthCheckPolicy.builder().type(t)
                    .timeout(300 * MS).build());
            assertThat(s.kind().name()).isEqualTo(t.name());
            assertThat(s.timeoutNanos()).isEqualTo(300 * MS);
        }
    }

    @Test
    void expectStatusParsesARangeOrOneStatusAndBoundsAreInclusive() {
        CheckSpec range = CheckSpec.http("/").withExpectStatus(" 200 - 299 ");
        assertThat(range.passes(199)).isFalse();
        assertThat(range.passes(200)).isTrue();
        assertThat(range.passes(299)).isTrue();
        assertThat(range.passes(300)).isFalse();
        CheckSpec one = CheckSpec.http("/").withExpectStatus("204");
        assertThat(one.expectStatus()).isEqualTo("204");
        assertThat(one.passes(204)).isTrue();
        assertThat(one.passes(200)).isFalse();
    }

    @Test
    void badValuesAreRejectedNamingTheSettingAndTheRange() {
        CheckSpec s = CheckSpec.http("/h");
        assertThatThrownBy(() -> s.withExpectStatus("2xx")).hasMessageContaining("expect-status: '2xx'");
        assertThatThrownBy(() -> s.withExpectStatus("399-200")).hasMessageContaining("min <= max, got 399-200");
        assertThatThrownBy(() -> s.withExpectStatus(99, 200)).hasMessageContaining("100-599");
        assertThatThrownBy(() -> s.withExpectStatus(200, 600)).hasMessageContaining("100-599");
        assertThatThrownBy(() -> s.withTimeout(0)).hasMessageContaining("timeout").hasMessageContaining("0ns");
        assertThatThrownBy(() -> s.withTimeout(-5)).hasMessageContaining("[1ms, 1h]");
        assertThatThrownBy(() -> s.withTimeout(2 * 3_600_000 * MS)).hasMessageContaining("got 2h");
        assertThatThrownBy(() -> s.withSpreadPercent(-1)).hasMessageContaining("[0, 50], got -1");
        assertThatThrownBy(() -> s.withSpreadPercent(51)).hasMessageContaining("got 51");
        assertThatThrownBy(() -> CheckSpec.http("health")).hasMessageContaining("start with '/'");
        assertThatThrownBy(() -> CheckSpec.http("/a b")).hasMessageContaining("'/a b'");
        assertThatThrownBy(() -> CheckSpec.http("/a\r\nX: y")).hasMessageContaining("control");
        assertThatThrownBy(() -> s.withHost("a\nb")).hasMessageContaining("host");
        assertThatThrownBy(() -> s.withHost(" ")).hasMessageContaining("host");
    }

    @Test
    void withersCopyAndTheExtremesAreAccepted() {
        CheckSpec s = CheckSpec.http("/h");
        CheckSpec t = s.withTimeout(CheckSpec.MIN_TIMEOUT_NANOS).withSpreadPercent(0).withKeepAlive(true)
                .withHost("h.example").withExpectStatus(100, 599);
        assertThat(s.keepAlive()).isFalse();
        assertThat(t.timeoutNanos()).isEqualTo(MS);
        assertThat(t.spreadPercent()).isZero();
        assertThat(t.host()).isEqualTo("h.example");
        assertThat(t.passes(100)).isTrue();
        assertThat(t.passes(599)).isTrue();
        assertThat(t.withHost(null).host()).isNull();
        assertThat(s.withTimeout(CheckSpec.MAX_TIMEOUT_NANOS).timeoutNanos()).isEqualTo(CheckSpec.MAX_TIMEOUT_NANOS);
    }
}
