package io.sluice.algorithms.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.re2j.Pattern;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterChainTest {

    record Req(byte[] clientAddress, String method, String host, String path, Map<String, String> headers,
               Map<String, String> query, long declaredBodyBytes) implements FilterInputs {
        @Override
        public String header(String name) {
            return headers.get(name);
        }

        @Override
        public String queryParameter(String name) {
            return query.get(name);
        }
    }

    static Req get(int a, int b, String path) {
        return new Req(new byte[]{(byte) a, (byte) b, 0, 1}, "GET", "h", path, Map.of(), Map.of(), -1);
    }

    static FilterRule rule(String name, FilterRule.Match m, FilterRule.Action a) {
        return new FilterRule(name, m, a, 403);
    }

    static FilterRule.Match sources(String... cidrs) {
        return new FilterRule.Match(java.util.Arrays.stream(cidrs).map(Cidr::parse).toList(), null, null, null, null,
                null, null, null, null, -1);
    }

    @Test
    void anAllowListIsAllowThenDenyEverything() {
        FilterChain c = new FilterChain(List.of(
                rule("lan", sources("10.0.0.0/8", "192.168.0.0/16"), FilterRule.Action.ALLOW),
                rule("rest", FilterRule.Match.ANY, FilterRule.Action.DENY)));
        assertThat(c.denial(get(10, 9, "/"))).isNull();
        assertThat(c.denial(get(192, 168, "/"))).isNull();
        assertThat(c.denial(get(192, 169, "/")).name()).isEqualTo("rest");
        assertThat(FilterChain.NONE.denial(get(1, 1, "/"))).isNull();
    }

    @Test
    void cidrsParseBothFamiliesAndNeverResolveNames() {
        Cidr v6 = Cidr.parse("2001:db8::/32");
        byte[] in = new byte[16];
        in[0] = 0x20;
        in[1] = 0x01;
        in[2] = 0x0d;
        in[3] = (byte) 0xb8;
        in[15] = 7;
        assertThat(v6.contains(in)).isTrue();
        assertThat(v6.contains(new byte[]{32, 1, 13, (byte) 184})).as("an IPv4 address is never in an IPv6 block").isFalse();
        assertThat(Cidr.parse("10.1.2.3").bits()).isEqualTo(32);
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).hasMessageContaining("not an address block");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("0 to 32");
    }

    /**
     * The classic catastrophic pattern for a backtracking engine, (a+)+$ on "aaaa...!", takes
     * exponential time in java.util.regex; RE2J matches it in time linear in the input. Here 50,000
     * characters must be answered (no match) at all: a backtracking engine would never finish.
     */
    @Test
    void pathRegexIsLinearTimeEvenForAPathologicalPattern() {
        FilterRule.Match m = new FilterRule.Match(null, null, null, null, null, Pattern.compile("^/(a+)+$"), null,
                null, null, -1);
        FilterChain c = new FilterChain(List.of(rule("redos", m, FilterRule.Action.DENY)));
        assertThat(c.denial(get(1, 1, "/" + "a".repeat(50_000) + "!"))).isNull();
        assertThat(c.denial(get(1, 1, "/" + "a".repeat(50_000))).name()).isEqualTo("redos");
    }
}
