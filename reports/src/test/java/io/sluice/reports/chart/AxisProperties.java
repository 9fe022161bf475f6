package io.sluice.reports.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;

/** Whatever the data, an axis covers it, its ticks ascend inside it, and its labels are distinct. */
class AxisProperties {
    @Property
    void aLinearAxisCoversItsData(@ForAll @DoubleRange(min = -1e6, max = 1e6) double a,
                                  @ForAll @DoubleRange(min = -1e6, max = 1e6) double b) {
        double lo = Math.min(a, b);
        double hi = Math.max(a, b);
        Scale s = Axis.linear("x").scale(lo, hi);
        // Tick values are multiples of a decimal step, so they may miss a value they equal by a rounding error.
        double slack = 1e-9 * (s.max() - s.min());
        assertThat(s.min()).isLessThanOrEqualTo(lo + slack);
        assertThat(s.max()).isGreaterThanOrEqualTo(hi - slack);
        assertThat(s.fraction(lo)).isBetween(-1e-9, 1 + 1e-9);
        assertThat(s.fraction(hi)).isBetween(-1e-9, 1 + 1e-9);
        checkTicks(s);
    }

    @Property
    void aLogAxisCoversItsPositiveData(@ForAll @DoubleRange(min = 1e-4, max = 1e7) @net.jqwik.api.constraints.Scale(6) double a,
                                       @ForAll @DoubleRange(min = 1e-4, max = 1e7) @net.jqwik.api.constraints.Scale(6) double b) {
        double lo = Math.min(a, b);
        double hi = Math.max(a, b);
        Scale s = Axis.log("y").scale(lo, hi);
        assertThat(s.min()).isLessThanOrEqualTo(lo * (1 + 1e-9));
        assertThat(s.max()).isGreaterThanOrEqualTo(hi * (1 - 1e-9));
        checkTicks(s);
    }

    @Property
    void aPercentileAxisPlacesEveryPercentileBelow100InOrder(@ForAll @DoubleRange(min = 0, max = 99.9999) @net.jqwik.api.constraints.Scale(6) double a,
                                                             @ForAll @DoubleRange(min = 0, max = 99.9999) @net.jqwik.api.constraints.Scale(6) double b) {
        Scale s = Axis.percentile("p").scale(0, Math.max(a, b));
        double fa = s.fraction(a);
        double fb = s.fraction(b);
        assertThat(fa).isBetween(0.0, 1.0);
        assertThat(fb).isBetween(0.0, 1.0);
        assertThat(Double.compare(fa, fb)).isEqualTo(Double.compare(a, b));
        checkTicks(s);
    }

    private static void checkTicks(Scale s) {
        List<Tick> ticks = s.ticks();
        assertThat(ticks).isNotEmpty();
        assertThat(ticks).isSortedAccordingTo((x, y) -> Double.compare(x.value(), y.value()));
        List<String> labels = ticks.stream().map(Tick::label).filter(l -> !l.isEmpty()).toList();
        assertThat(labels).doesNotHaveDuplicates();
        for (Tick t : ticks) {
            assertThat(s.fraction(t.value())).isBetween(-1e-9, 1 + 1e-9);
        }
    }
}
