package io.sluice.algorithms.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LimitKeyTest {
    static final long SEC = 1_000_000_000L;

    record In(byte[] clientAddress, Map<String, String> headers, String route) implements KeyInputs {
        @Override
        public String header(String name) {
            return headers.get(name);
        }
    }

    static In in(int last, Map<String, String> headers) {
        return new In(new byte[]{10, 1, 2, (byte) last}, headers, "telemetry");
    }

    @Test
    void cidrKeysGroupAddressesOfOnePrefix() {
        LimitKey k = LimitKey.of(LimitKey.Part.cidr(24, 64));
        assertThat(k.of(in(7, Map.of()))).isEqualTo(k.of(in(200, Map.of()))).isEqualTo("0a010200/24");
        LimitKey ip = LimitKey.of(LimitKey.Part.of(KeySource.CLIENT_IP));
        assertThat(ip.of(in(7, Map.of()))).isNotEqualTo(ip.of(in(200, Map.of())));
    }

    @Test
    void ipv6PrefixesKeepTheirOwnLength() {
        byte[] a = new byte[16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[9] = 5;
        In v6 = new In(a, Map.of(), null);
        assertThat(LimitKey.of(LimitKey.Part.cidr(24, 64)).of(v6)).isEqualTo("20010000000000000000000000000000/64");
    }

    @Test
    void aCombinedKeyCannotBeForgedBySeparatorsInAValue() {
        LimitKey k = new LimitKey(List.of(LimitKey.Part.header("x-a"), LimitKey.Part.header("x-b")));
        String one = k.of(in(1, Map.of("x-a", "p\u0001q", "x-b", "r")));
        String two = k.of(in(1, Map.of("x-a", "p", "x-b", "q\u0001r")));
        assertThat(one).isNotEqualTo(two);
    }

    @Test
    void aMissingValueIsTheEmptyStringSoItsClientsShareOneBudget() {
        LimitKey k = LimitKey.of(LimitKey.Part.of(KeySource.MQTT_CLIENT_ID));
        assertThat(k.of(in(1, Map.of()))).isEmpty();
    }

    @Test
    void severalLimitsPerRouteTheTightestRefusesAndTheHeadersSayWhich() {
        LimitChain chain = new LimitChain(List.of(
                new KeyedLimit("device", LimitKey.of(LimitKey.Part.header("x-device")), RateLimit.tokenBucket(10, SEC, 10), 100),
                new KeyedLimit("tenant", LimitKey.of(LimitKey.Part.header("x-tenant")), RateLimit.tokenBucket(15, SEC, 15), 100)));
        // Device a takes its 10; device b then gets only the tenant's remaining 5.
        for (int i = 0; i < 10; i++) {
            assertThat(chain.admit(in(1, Map.of("x-device", "a", "x-tenant", "t")), 0).granted()).isTrue();
        }
        LimitChain.Verdict refusedA = chain.admit(in(1, Map.of("x-device", "a", "x-tenant", "t")), 0);
        assertThat(refusedA.limit().name()).isEqualTo("device");
        assertThat(refusedA.retryAfterSeconds()).isEqualTo(1);
        assertThat(refusedA.policyHeader()).isEqualTo("\"device\";q=10;w=1");
        assertThat(refusedA.rateLimitHeader()).isEqualTo("\"device\";r=0;t=1");
        for (int i = 0; i < 5; i++) {
            assertThat(chain.admit(in(1, Map.of("x-device", "b", "x-tenant", "t")), 0).granted()).isTrue();
        }
        LimitChain.Verdict refusedB = chain.admit(in(1, Map.of("x-device", "b", "x-tenant", "t")), 0);
        assertThat(refusedB.limit().name()).isEqualTo("tenant");
    }

    @Test
    void aHeaderPartNeedsAName() {
        assertThatThrownBy(() -> LimitKey.Part.header(" ")).hasMessageContaining("header's name");
        assertThatThrownBy(() -> new LimitKey(List.of())).hasMessageContaining("mqtt-client-id");
    }

    @Test
    void aGlobalShareLimitsToItsFractionAndMoves() {
        GlobalShare g = new GlobalShare(900, 1.0, 1.0 / 3, 0);
        int granted = 0;
        for (int i = 0; i < 1000; i++) {
            if (g.tryAcquire(1, 0) == 0) {
                granted++;
            }
        }
        assertThat(granted).isEqualTo(300);
        g.setShare(0.5, 0);
        assertThat(g.share()).isEqualTo(0.5);
        assertThatThrownBy(() -> g.setShare(0, 0)).hasMessageContaining("(0, 1]");
    }
}
