package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Grpc#parseTimeout} and {@link Grpc#formatTimeout}: the grpc-timeout header of gRPC over HTTP/2. */
class GrpcTimeoutTest {
    @Test
    void everyUnitParses() {
        assertThat(Grpc.parseTimeout("2H")).isEqualTo(TimeUnit.HOURS.toNanos(2));
        assertThat(Grpc.parseTimeout("3M")).isEqualTo(TimeUnit.MINUTES.toNanos(3));
        assertThat(Grpc.parseTimeout("10S")).isEqualTo(TimeUnit.SECONDS.toNanos(10));
        assertThat(Grpc.parseTimeout("300m")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(Grpc.parseTimeout("299412u")).isEqualTo(299_412_000L);
        assertThat(Grpc.parseTimeout("99999999n")).isEqualTo(99_999_999L);
        assertThat(Grpc.parseTimeout("0m")).isZero();
        // The longest value saturates instead of overflowing.
        assertThat(Grpc.parseTimeout("99999999H")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void malformedValuesAreMinusOne() {
        for (String bad : new String[] {null, "", "m", "300", "300ms", "-3S", "3.5S", "123456789S", "1s", " 1S", "1Y"}) {
            assertThat(Grpc.parseTimeout(bad)).as("'%s'", bad).isEqualTo(-1);
        }
    }

    @Test
    void formattingTakesTheFinestUnitThatFitsAndRoundsDown() {
        assertThat(Grpc.formatTimeout(99_999_999L)).isEqualTo("99999999n");
        assertThat(Grpc.formatTimeout(299_412_345L)).isEqualTo("299412u");
        // 30 h is 108,000,000 ms: 9 digits, one too many; 108000 s fits.
        assertThat(Grpc.formatTimeout(TimeUnit.HOURS.toNanos(30))).isEqualTo("108000S");
        assertThat(Grpc.formatTimeout(0)).isEqualTo("1n");
        assertThat(Grpc.formatTimeout(-5)).isEqualTo("1n");
        assertThat(Grpc.formatTimeout(Long.MAX_VALUE)).endsWith("H");
        // A round trip never lengthens the deadline.
        for (long n : new long[] {1, 999, 123_456_789L, 987_654_321_012L, TimeUnit.DAYS.toNanos(400)}) {
            assertThat(Grpc.parseTimeout(Grpc.formatTimeout(n))).isBetween(1L, n);
        }
    }
}
