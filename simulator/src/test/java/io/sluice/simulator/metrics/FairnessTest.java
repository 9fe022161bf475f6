package io.sluice.simulator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

class FairnessTest {
    private static BackendResult b(double utilisation, long requests) {
        return new BackendResult("b", requests, requests, utilisation);
    }

    @Test
    void workedExampleFromTheJavadoc() {
        Fairness f = Fairness.of(List.of(b(0.9, 90), b(0.3, 30), b(0.3, 30)));
        assertThat(f.jainIndex()).isCloseTo(1.5 * 1.5 / (3 * 0.99), offset(1e-12));
        assertThat(f.maxOverMeanUtilisation()).isCloseTo(1.8, offset(1e-12));
        assertThat(f.maxOverMeanRequests()).isCloseTo(1.8, offset(1e-12));
    }

    @Test
    void equalLoadIsPerfectlyFair() {
        Fairness f = Fairness.of(List.of(b(0.5, 10), b(0.5, 10), b(0.5, 10), b(0.5, 10)));
        assertThat(f.jainIndex()).isEqualTo(1.0);
        assertThat(f.maxOverMeanUtilisation()).isEqualTo(1.0);
    }

    @Test
    void oneBackendTakingEverythingScoresOneOverN() {
        Fairness f = Fairness.of(List.of(b(1.0, 100), b(0, 0), b(0, 0), b(0, 0)));
        assertThat(f.jainIndex()).isEqualTo(0.25);
        assertThat(f.maxOverMeanRequests()).isEqualTo(4.0);
    }

    @Test
    void edgeCases() {
        assertThat(Fairness.of(List.of())).isEqualTo(new Fairness(1, 1, 1));
        assertThat(Fairness.of(List.of(b(0, 0), b(0, 0)))).isEqualTo(new Fairness(1, 1, 1));
        assertThat(Fairness.of(List.of(b(0.7, 3))).jainIndex()).isEqualTo(1.0);
    }

    @Test
    void outcomeRatesAreSharesOfMeasuredRequests() {
        Outcomes o = new Outcomes(100, 80, 5, 6, 7, 2, 0, 9);
        assertThat(o.errorRate()).isEqualTo(0.05);
        assertThat(o.timeoutRate()).isEqualTo(0.06);
        assertThat(o.rejectionRate()).isEqualTo(0.07);
        assertThat(o.unavailableRate()).isEqualTo(0.02);
        assertThat(o.failureRate()).isCloseTo(0.2, offset(1e-12));
        assertThat(new Outcomes(0, 0, 0, 0, 0, 0, 0, 0).errorRate()).isZero();
    }
}
