package io.sluice.benchmarks.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * wrk's output, parsed from real runs captured on this project's machine (wrk 4.1.0 against a local
 * single-worker NGINX answering a fixed body): a clean run, one answered with 404s, one overloaded
 * into socket errors, and a refused connection.
 */
class WrkResultTest {
    private static final double EXACT = 1e-6;

    @Test
    void aCleanRunGivesRateRequestsAndPercentilesInMicroseconds() {
        WrkResult r = WrkResult.parse(fixture("wrk-nginx-c32.txt"));
        assertThat(r.requestsPerSecond()).isCloseTo(16983.07, within(EXACT));
        assertThat(r.requests()).isEqualTo(34706);
        // 50% 486.00us, 75% 2.89ms, 90% 6.32ms, 99% 22.77ms: two units in one distribution.
        assertThat(r.p50Micros()).isCloseTo(486, within(EXACT));
        assertThat(r.p75Micros()).isCloseTo(2890, within(EXACT));
        assertThat(r.p90Micros()).isCloseTo(6320, within(EXACT));
        assertThat(r.p99Micros()).isCloseTo(22770, within(EXACT));
        assertThat(r.errors()).isZero();
    }

    @Test
    void theThreadStatsTableIsNotMistakenForTheDistribution() {
        // "Latency 2.45ms 4.40ms 45.58ms 91.16%" ends in a percentage too; only the distribution counts.
        WrkResult r = WrkResult.parse(fixture("wrk-nginx-c32.txt"));
        assertThat(r.p50Micros()).isNotCloseTo(2450, within(1.0));
    }

    @Test
    void nonSuccessAnswersAreCountedAsErrors() {
        WrkResult r = WrkResult.parse(fixture("wrk-non2xx.txt"));
        assertThat(r.non2xx()).isEqualTo(31781);
        assertThat(r.requests()).isEqualTo(31781);
        assertThat(r.requestsPerSecond()).isCloseTo(28885.10, within(EXACT));
        assertThat(r.errors()).isEqualTo(31781);
        assertThat(r.p99Micros()).isCloseTo(10070, within(EXACT));
    }

    @Test
    void socketErrorsAreReadByKind() {
        WrkResult r = WrkResult.parse(fixture("wrk-socket-errors.txt"));
        assertThat(r.connectErrors()).isZero();
        assertThat(r.readErrors()).isEqualTo(2464);
        assertThat(r.writeErrors()).isZero();
        assertThat(r.timeouts()).isZero();
        assertThat(r.errors()).isEqualTo(2464);
        assertThat(r.requestsPerSecond()).isCloseTo(5361.32, within(EXACT));
        assertThat(r.p50Micros()).isCloseTo(93_700, within(EXACT));
        assertThat(r.p99Micros()).isCloseTo(256_550, within(EXACT));
    }

    @Test
    void aRefusedConnectionIsAnErrorQuotingWrk() {
        assertThatThrownBy(() -> WrkResult.parse(fixture("wrk-refused.txt")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no 'Requests/sec:' line")
                .hasMessageContaining("'unable to connect to 127.0.0.1:1 Connection refused'");
    }

    @Test
    void emptyOutputIsAnError() {
        assertThatThrownBy(() -> WrkResult.parse(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(no output)");
    }

    @Test
    void aRunWithoutLatencyDistributionIsAnError() {
        String withoutLatency = fixture("wrk-nginx-c32.txt").replaceAll("(?m)^\\s+\\d+%.*\\n", "");
        assertThatThrownBy(() -> WrkResult.parse(withoutLatency))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--latency");
    }

    @Test
    void everyWrkTimeUnitIsNormalisedToMicroseconds() {
        assertThat(WrkResult.micros("0.00us")).isZero();
        assertThat(WrkResult.micros("999.99us")).isCloseTo(999.99, within(EXACT));
        assertThat(WrkResult.micros("1.50ms")).isCloseTo(1_500, within(EXACT));
        assertThat(WrkResult.micros("1.11s")).isCloseTo(1_110_000, within(EXACT));
        assertThat(WrkResult.micros("2.00m")).isCloseTo(120_000_000, within(EXACT));
        assertThat(WrkResult.micros("1.00h")).isCloseTo(3_600_000_000.0, within(EXACT));
    }

    @Test
    void aTimeWithoutAKnownUnitIsRefused() {
        assertThatThrownBy(() -> WrkResult.micros("12.0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'12.0'");
        assertThatThrownBy(() -> WrkResult.micros("3ns")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void secondsAndMinutesInTheDistributionAreScaled() {
        String slow = fixture("wrk-nginx-c32.txt")
                .replace("     50%  486.00us", "     50%    1.20s")
                .replace("     99%   22.77ms", "     99%    1.50m");
        WrkResult r = WrkResult.parse(slow);
        assertThat(r.p50Micros()).isCloseTo(1_200_000, within(EXACT));
        assertThat(r.p99Micros()).isCloseTo(90_000_000, within(EXACT));
    }

    @Test
    void timeoutsAreCountedAsErrors() {
        String timedOut = fixture("wrk-socket-errors.txt")
                .replace("Socket errors: connect 0, read 2464, write 0, timeout 0",
                        "Socket errors: connect 3, read 0, write 1, timeout 12");
        WrkResult r = WrkResult.parse(timedOut);
        assertThat(r.connectErrors()).isEqualTo(3);
        assertThat(r.writeErrors()).isEqualTo(1);
        assertThat(r.timeouts()).isEqualTo(12);
        assertThat(r.errors()).isEqualTo(16);
    }

    static String fixture(String name) {
        try (InputStream in = WrkResultTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
