package io.sluice.algorithms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParametersTest {
    private static final List<ParameterSpec> SPECS = List.of(
            ParameterSpec.integer("choices", 2, 2, 16, "candidates per pick"),
            ParameterSpec.number("bias", 1.0, 0, 10, "active request bias"),
            ParameterSpec.duration("window", "30s", "1ms", "1h", "ramp window"),
            ParameterSpec.bool("strict", false, "strict mode"),
            ParameterSpec.choice("mode", "fifo", List.of("fifo", "ps"), "queueing"),
            ParameterSpec.text("zone", null, "local zone"));

    @Test
    void defaultsFillEveryParameter() {
        Parameters p = Parameters.defaults("strategy 'x'", SPECS);
        assertThat(p.getInt("choices")).isEqualTo(2);
        assertThat(p.getDouble("bias")).isEqualTo(1.0);
        assertThat(p.getNanos("window")).isEqualTo(30_000_000_000L);
        assertThat(p.getBoolean("strict")).isFalse();
        assertThat(p.getString("mode")).isEqualTo("fifo");
        assertThat(p.getString("zone")).isNull();
    }

    @Test
    void acceptsStringsAndYamlNumbers() {
        Parameters p = Parameters.parse("strategy 'x'", SPECS,
                Map.of("choices", "3", "bias", 0.5, "window", "250ms", "strict", "TRUE", "mode", "ps", "zone", "eu-1"));
        assertThat(p.getInt("choices")).isEqualTo(3);
        assertThat(p.getDouble("bias")).isEqualTo(0.5);
        assertThat(p.getNanos("window")).isEqualTo(250_000_000L);
        assertThat(p.getBoolean("strict")).isTrue();
        assertThat(p.getString("mode")).isEqualTo("ps");
        assertThat(p.getString("zone")).isEqualTo("eu-1");
        assertThat(Parameters.parse("s", SPECS, Map.of("choices", 4.0)).getInt("choices")).isEqualTo(4);
    }

    @Test
    void errorsNameOwnerParameterValueAndRange() {
        assertThatThrownBy(() -> Parameters.parse("strategy 'x'", SPECS, Map.of("choices", 17)))
                .hasMessage("strategy 'x': parameter 'choices' must be in 2..16, got 17");
        assertThatThrownBy(() -> Parameters.parse("strategy 'x'", SPECS, Map.of("choices", "two")))
                .hasMessageContaining("must be a whole number in 2..16, got 'two'");
        assertThatThrownBy(() -> Parameters.parse("strategy 'x'", SPECS, Map.of("choices", 2.5)))
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> Parameters.parse("strategy 'x'", SPECS, Map.of("bias", "NaN")))
                .hasMessageContaining("'bias' must be in 0..10");
        assertThatThrownBy(() -> Parameters.parse("strategy 'x'", SPECS, Map.of("window", "2h")))
                .hasMessageContaining("'window' must be in 1ms..1h, got 2h");
        assertThatThrownBy(() -> Parameters.parse("strategy 'x'", SPECS, Map.of("window", "soon")))
                .hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Parameters.parse("strategy 'x'", SPECS, Map.of("strict", "yes")))
                .hasMessageContaining("must be true or false, got 'yes'");
        assertThatThrownBy(() -> Parameters.parse("strategy 'x'", SPECS, Map.of("mode", "lifo")))
                .hasMessageContaining("must be one of [fifo, ps], got 'lifo'");
        assertThatThrownBy(() -> Parameters.parse("strategy 'x'", SPECS, Map.of("chioces", 3)))
                .hasMessageContaining("unknown parameter 'chioces'; allowed: choices, bias, window, strict, mode, zone");
    }

    @Test
    void durationsRoundTrip() {
        assertThat(Durations.parseNanos("1.5s", "t")).isEqualTo(1_500_000_000L);
        assertThat(Durations.parseNanos(" 10 ms ", "t")).isEqualTo(10_000_000L);
        assertThat(Durations.format(1_500_000_000L)).isEqualTo("1500ms");
        assertThat(Durations.format(60_000_000_000L)).isEqualTo("1m");
        assertThat(Durations.format(7)).isEqualTo("7ns");
        assertThatThrownBy(() -> Durations.parseNanos("10", "timeout")).hasMessageStartingWith("timeout:");
        assertThatThrownBy(() -> Durations.parseNanos("-1s", "timeout")).hasMessageContaining("not a duration");
    }
}
