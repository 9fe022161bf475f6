package io.sluice.reports.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Axis ranges and ticks: the worked examples in Axis, and the edges (no data, one value, zero on a log axis). */
class AxisTest {
    private static List<String> labels(Scale s) {
        return s.ticks().stream().map(Tick::label).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void linearRoundsOutToAStepOfOneTwoOrFiveTimesAPowerOfTen() {
        // 0..0.93: raw step 0.186, magnitude 0.1, step 0.2, axis 0..1.
        Scale s = Axis.linearFromZero("x").scale(0, 0.93);
        assertThat(s.min()).isEqualTo(0);
        assertThat(s.max()).isCloseTo(1.0, within(1e-9));
        assertThat(labels(s)).containsExactly("0", "0.2", "0.4", "0.6", "0.8", "1");
        // 0..600 s: raw 120, magnitude 100, step 200.
        assertThat(labels(Axis.linear("t").scale(0, 590))).containsExactly("0", "200", "400", "600");
    }

    @Test
    void linearLabelsThousandsCompactly() {
        assertThat(labels(Axis.linearFromZero("n").scale(0, 48_000))).containsExactly("0", "10k", "20k", "30k", "40k",
                "50k");
    }

    @Test
    void oneValueOrNoDataStillGivesAnAxis() {
        Scale one = Axis.linear("x").scale(5, 5);
        assertThat(one.min()).isLessThan(5);
        assertThat(one.max()).isGreaterThan(5);
        Scale none = Axis.linear("x").scale(Double.NaN, Double.NaN);
        assertThat(none.max()).isGreaterThan(none.min());
        assertThat(Axis.log("y").scale(Double.NaN, Double.NaN).ticks()).isNotEmpty();
    }

    @Test
    void aCountAxisNeverHasAFractionalTick() {
        // Errors 0..2: a plain linear axis would step by 0.5.
        assertThat(labels(Axis.count("errors").scale(0, 2))).containsExactly("0", "1", "2");
        // 0..12: step 2.5 becomes 3.
        assertThat(labels(Axis.count("errors").scale(0, 12))).containsExactly("0", "3", "6", "9", "12");
        assertThat(labels(Axis.count("errors").scale(0, 0))).containsExactly("0", "1");
    }

    @Test
    void shareAxesArePerCent() {
        assertThat(labels(Axis.share("u").scale(0.4, 0.7))).containsExactly("0 %", "20 %", "40 %", "60 %", "80 %",
                "100 %");
        assertThat(labels(Axis.percentFromZero("f").scale(0, 0.0008))).first().isEqualTo("0 %");
        assertThat(labels(Axis.percentFromZero("f").scale(0, 0.0008))).last().isEqualTo("0.08 %");
    }

    @Test
    void logCoversWholeDecadesAndLabelsTwoAndFiveWhenNarrow() {
        Scale narrow = Axis.log("ms").scale(12, 480);
        assertThat(narrow.min()).isEqualTo(10);
        assertThat(narrow.max()).isEqualTo(1000);
        assertThat(labels(narrow)).containsExactly("10", "20", "50", "100", "200", "500", "1000");
        assertThat(narrow.fraction(100)).isCloseTo(0.5, within(1e-12));

        Scale wide = Axis.log("ms").scale(0.05, 3000);
        assertThat(labels(wide)).containsExactly("0.01", "0.1", "1", "10", "100", "1000", "10k");
        assertThat(wide.fraction(0)).isNaN();
        assertThat(wide.fraction(-1)).isNaN();
    }

    @Test
    void percentileAxisPutsEachNineOneStepFurther() {
        // x = log10(1 / (1 - p/100)): 0 -> 0, 90 -> 1, 99 -> 2, 99.9 -> 3.
        Scale s = Axis.percentile("p").scale(0, 99.95);
        assertThat(s.fraction(0)).isZero();
        assertThat(s.fraction(90)).isCloseTo(1 / 4.0, within(1e-9));
        assertThat(s.fraction(99)).isCloseTo(2 / 4.0, within(1e-9));
        assertThat(s.fraction(99.9)).isCloseTo(3 / 4.0, within(1e-9));
        assertThat(s.fraction(100)).as("100 % is infinitely far").isNaN();
        assertThat(labels(s)).containsExactly("0 %", "50 %", "90 %", "99 %", "99.9 %", "99.99 %");
        // At least two nines even for a coarse distribution.
        assertThat(labels(Axis.percentile("p").scale(0, 50))).containsExactly("0 %", "50 %", "90 %", "99 %");
    }
}
