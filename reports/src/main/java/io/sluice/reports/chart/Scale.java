package io.sluice.reports.chart;

import java.util.List;

/**
 * Maps data values on one axis to a position between 0 (start of the axis) and 1 (end), and says
 * where the ticks go. Created by {@link Axis#scale}; the implementations are the three kinds of
 * axis a latency report needs: linear, logarithmic and HdrHistogram's percentile axis.
 */
public interface Scale {
    /**
     * Where {@code value} falls on the axis, 0 to 1; NaN when it cannot be drawn (not finite, or not
     * positive on a logarithmic axis, or 100 % on the percentile axis).
     */
    double fraction(double value);

    /** The ticks, ascending. */
    List<Tick> ticks();

    /** The lowest value on the axis. */
    double min();

    /** The highest value on the axis. */
    double max();
}
