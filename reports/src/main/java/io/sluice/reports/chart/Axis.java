package io.sluice.reports.chart;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an axis shows and how: its title and its kind. The range comes from the data when the
 * chart is drawn ({@link #scale}), rounded outwards to tick values.
 */
public final class Axis {
    /** The kinds of axis. */
    enum Kind { LINEAR, LINEAR_FROM_ZERO, COUNT, PERCENT_FROM_ZERO, SHARE, LOG, PERCENTILE }

    private final String title;
    private final Kind kind;

    private Axis(String title, Kind kind) {
        this.title = Objects.requireNonNull(title, "title");
        this.kind = kind;
    }

    /** A linear axis over the data's range, rounded out to ticks. */
    public static Axis linear(String title) {
        return new Axis(title, Kind.LINEAR);
    }

    /** A linear axis from 0 (or below, for negative data) to the data's maximum. */
    public static Axis linearFromZero(String title) {
        return new Axis(title, Kind.LINEAR_FROM_ZERO);
    }

    /** A count from 0: like {@link #linearFromZero} but never with a tick between whole numbers. */
    public static Axis count(String title) {
        return new Axis(title, Kind.COUNT);
    }

    /** A share (a fraction) from 0 to the data's maximum, labelled in per cent: for small rates. */
    public static Axis percentFromZero(String title) {
        return new Axis(title, Kind.PERCENT_FROM_ZERO);
    }

    /** A share from 0 to 1 (or more when the data exceeds 1), labelled in per cent. */
    public static Axis share(String title) {
        return new Axis(title, Kind.SHARE);
    }

    /** A base-10 logarithmic axis over whole decades covering the positive data. */
    public static Axis log(String title) {
        return new Axis(title, Kind.LOG);
    }

    /**
     * HdrHistogram's percentile axis: a percentile p (0 to 100) is placed at
     * log10(1 / (1 - p/100)), so 0 %, 90 %, 99 %, 99.9 % are evenly spaced and the tail gets as much
     * room as the body. 100 % is infinitely far and is not drawn.
     */
    public static Axis percentile(String title) {
        return new Axis(title, Kind.PERCENTILE);
    }

    /** The axis title, units included. */
    public String title() {
        return title;
    }

    Kind kind() {
        return kind;
    }

    /**
     * The scale for data from {@code dataMin} to {@code dataMax} (NaN when there is no data:
     * a default range is used).
     */
    public Scale scale(double dataMin, double dataMax) {
        return switch (kind) {
            case LINEAR -> LinearScale.covering(dataMin, dataMax, false, false, 0);
            case LINEAR_FROM_ZERO -> LinearScale.covering(Math.min(0, orZero(dataMin)), dataMax, false, true, 0);
            case COUNT -> LinearScale.covering(Math.min(0, orZero(dataMin)), dataMax, false, true, 1);
            case PERCENT_FROM_ZERO -> LinearScale.covering(Math.min(0, orZero(dataMin)), dataMax, true, true, 0);
            case SHARE -> LinearScale.covering(Math.min(0, orZero(dataMin)), Math.max(1, orZero(dataMax)), true, true,
                    0);
            case LOG -> LogScale.covering(dataMin, dataMax);
            case PERCENTILE -> PercentileScale.upTo(dataMax);
        };
    }

    private static double orZero(double d) {
        return Double.isFinite(d) ? d : 0;
    }

    /** A linear scale with ticks at a round step (1, 2, 2.5 or 5 times a power of ten). */
    static final class LinearScale implements Scale {
        private static final double[] STEPS = {1, 2, 2.5, 5, 10};
        private static final int TARGET_TICKS = 5;

        private final double min;
        private final double max;
        private final double step;
        private final boolean percent;

        private LinearScale(double min, double max, double step, boolean percent) {
            this.min = min;
            this.max = max;
            this.step = step;
            this.percent = percent;
        }

        /**
         * Worked example: data 0 to 0.93 gives a raw step 0.93 / 5 = 0.186, magnitude 0.1, so the
         * step is 0.2 (the first of 1, 2, 2.5, 5, 10 times 0.1 at least 0.186) and the axis 0 to 1.
         */
        static LinearScale covering(double dataMin, double dataMax, boolean percent, boolean fromZero,
                                    double minStep) {
            double lo = Double.isFinite(dataMin) ? dataMin : 0;
            double hi = Double.isFinite(dataMax) ? dataMax : 1;
            if (hi < lo) {
                hi = lo;
            }
            if (hi == lo) {
                // One value: centre it in a range one unit (or one tenth of it) wide.
                double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
                hi = hi + pad;
                lo = fromZero && lo >= 0 ? 0 : lo - pad;
            }
            double raw = (hi - lo) / TARGET_TICKS;
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double step = magnitude * 10;
            for (double s : STEPS) {
                if (s * magnitude >= raw * (1 - 1e-9)) {
                    step = s * magnitude;
                    break;
                }
            }
            step = Math.max(step, minStep);
            if (minStep >= 1 && step != Math.rint(step)) {
                step = Math.ceil(step); // a count axis never has a tick at 2.5
            }
            double min = Math.floor(lo / step + 1e-9) * step;
            double max = Math.ceil(hi / step - 1e-9) * step;
            return new LinearScale(min, max, step, percent);
        }

        @Override
        public double fraction(double value) {
            return Double.isFinite(value) ? (value - min) / (max - min) : Double.NaN;
        }

        @Override
        public List<Tick> ticks() {
            List<Tick> ticks = new ArrayList<>();
            long count = Math.round((max - min) / step);
            for (long i = 0; i <= count; i++) {
                double v = min + i * step;
                String label = percent ? Numbers.plain(v * 100, Numbers.decimalsFor(step * 100)) + " %"
                        : Numbers.compact(v, step);
                ticks.add(new Tick(v, label, true));
            }
            return ticks;
        }

        @Override
        public double min() {
            return min;
        }

        @Override
        public double max() {
            return max;
        }
    }

    /**
     * Base-10 logarithmic scale over whole decades. Decades are labelled; 2 and 5 times a decade
     * are labelled too when the axis spans at most two decades (otherwise they are grid lines).
     */
    static final class LogScale implements Scale {
        private final int lowDecade;
        private final int highDecade;

        private LogScale(int lowDecade, int highDecade) {
            this.lowDecade = lowDecade;
            this.highDecade = highDecade;
        }

        static LogScale covering(double dataMin, double dataMax) {
            if (!(dataMin > 0) || !Double.isFinite(dataMin) || !(dataMax > 0) || !Double.isFinite(dataMax)) {
                return new LogScale(0, 1);
            }
            int lo = (int) Math.floor(Math.log10(dataMin) + 1e-9);
            int hi = (int) Math.ceil(Math.log10(dataMax) - 1e-9);
            return new LogScale(lo, Math.max(hi, lo + 1));
        }

        @Override
        public double fraction(double value) {
            if (!(value > 0) || !Double.isFinite(value)) {
                return Double.NaN;
            }
            return (Math.log10(value) - lowDecade) / (highDecade - lowDecade);
        }

        @Override
        public List<Tick> ticks() {
            boolean labelMinor = highDecade - lowDecade <= 2;
            List<Tick> ticks = new ArrayList<>();
            for (int d = lowDecade; d <= highDecade; d++) {
                double decade = Math.pow(10, d);
                ticks.add(new Tick(decade, label(decade, d), true));
                if (d < highDecade) {
                    for (int m : new int[] {2, 5}) {
                        ticks.add(new Tick(m * decade, labelMinor ? label(m * decade, d) : "", false));
                    }
                }
            }
            return ticks;
        }

        private static String label(double value, int decade) {
            return Numbers.compact(value, Math.pow(10, decade));
        }

        @Override
        public double min() {
            return Math.pow(10, lowDecade);
        }

        @Override
        public double max() {
            return Math.pow(10, highDecade);
        }
    }

    /**
     * Percentile p at x = log10(1 / (1 - p/100)): 0 % at 0, 90 % at 1, 99 % at 2, 99.9 % at 3. The
     * axis ends at the first whole number of nines at or above the highest finite percentile drawn.
     */
    static final class PercentileScale implements Scale {
        private final int nines;

        private PercentileScale(int nines) {
            this.nines = nines;
        }

        /** @param highestPercentile the highest percentile below 100 in the data (NaN: none) */
        static PercentileScale upTo(double highestPercentile) {
            double x = position(highestPercentile);
            int nines = Double.isFinite(x) ? (int) Math.ceil(x - 1e-9) : 2;
            return new PercentileScale(Math.max(2, nines));
        }

        static double position(double percentile) {
            if (!Double.isFinite(percentile) || percentile < 0 || percentile >= 100) {
                return Double.NaN;
            }
            // 0.0 - x rather than -x: percentile 0 is +0.0, not -0.0, which sorts below 0.
            return 0.0 - Math.log10(1 - percentile / 100);
        }

        @Override
        public double fraction(double percentile) {
            return position(percentile) / nines;
        }

        @Override
        public List<Tick> ticks() {
            List<Tick> ticks = new ArrayList<>();
            ticks.add(new Tick(0, "0 %", true));
            if (nines <= 4) {
                ticks.add(new Tick(50, "50 %", false));
            }
            for (int k = 1; k <= nines; k++) {
                double p = 100 * (1 - Math.pow(10, -k));
                ticks.add(new Tick(p, Numbers.plain(p, k) + " %", true));
            }
            return ticks;
        }

        @Override
        public double min() {
            return 0;
        }

        @Override
        public double max() {
            return 100 * (1 - Math.pow(10, -nines));
        }
    }
}
