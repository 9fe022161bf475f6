package io.sluice.reports.simulation;

import io.sluice.reports.simulation.SimulationResults.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Which strategy to deploy, chosen among the runs of one workload by a fixed rule that the report
 * prints ({@link #rule()}) so a reader can check it against the table. When every run carries 95 %
 * confidence intervals over its seeds ({@link SimulationResults.Confidence}, a results file of
 * two or more seeds), a difference counts only when the intervals say it is real; otherwise (one
 * seed, or a version 1 file) a fixed 2 % stands in for the noise:
 * <ol>
 *   <li>Failed share = errorRate + timeoutRate + rejectionRate. The best is the lowest (with seeds:
 *       the lowest mean over seeds). A run is out when its failed share is more than
 *       {@link #FAILURE_TOLERANCE} (0.1 percentage point) above the best; with seeds, when its
 *       interval lies wholly above the best run's interval plus 0.1 point (its low end above the
 *       best's high end + 0.001). A run that completed nothing (no p99) is out too.</li>
 *   <li>The lowest p99 wins (with seeds: the lowest mean of the per-seed p99s). Runs tied with it
 *       stay: with seeds, those whose p99 interval overlaps the winner's; without, those within
 *       {@link #TIE} (2 %) of it.</li>
 *   <li>A tie goes to the lowest mean latency, by the same test.</li>
 *   <li>Then to the highest fairness (Jain's index over backend utilisation, a missing one counting
 *       0), then to the run listed first.</li>
 * </ol>
 * Worked example with seeds: p99 intervals A [118, 124], B [121, 127], C [130, 134] ms, failed
 * shares alike. A has the lowest mean p99 (121); B's interval overlaps A's (121 &lt;= 124), so they
 * tie and go on to the mean latency; C's starts at 130, above A's 124: C is out. On one seed with
 * those p99s the 2 % rule would put B out (124 &gt; 121 x 1.02 = 123.42) though another seed could
 * well reverse the two: the interval is the better judge of what is noise.
 *
 * <p>Why overlap: two 95 % intervals that do not overlap mean the difference would be called
 * significant at well below 5 % (Schenker and Gentleman, The American Statistician 2001), so the
 * rule calls a winner only where another set of seeds would very likely agree; overlapping
 * intervals are treated as a tie and decided by the next criterion rather than by noise. It is
 * conservative: strategies that truly differ by less than about twice the half-width tie.
 *
 * <p>Why this order: p99 is what users of an IoT platform feel (a device's retries start at the
 * tail), and a strategy that answers fast by failing requests must not win on latency.
 */
public final class Recommendation {
    /** Absolute tolerance on the failed share: 0.001 = 0.1 percentage point. */
    public static final double FAILURE_TOLERANCE = 0.001;
    /** Relative tolerance under which two p99s (or two means) are tied without intervals: 2 %. */
    public static final double TIE = 0.02;
    /** The rule in words when the runs have no intervals (one seed), one step a line. */
    public static final List<String> RULE = List.of(
            "Failed share = error + timeout + rejection rate. Runs more than 0.1 percentage point above the lowest"
                    + " failed share are out, and so are runs that completed nothing.",
            "Of the rest, the lowest p99 latency wins; runs within 2 % of it are tied (one seed: no interval to"
                    + " judge the noise by).",
            "A tie goes to the lowest mean latency (runs within 2 % of it still tied),",
            "then to the highest fairness (Jain's index over backend utilisation), then to the run listed first.");
    /** The rule in words when every run has 95 % intervals over its seeds. */
    public static final List<String> RULE_WITH_INTERVALS = List.of(
            "Failed share = error + timeout + rejection rate, as the mean over seeds with its 95 % interval. Runs"
                    + " whose interval lies wholly above the lowest run's interval plus 0.1 percentage point are out,"
                    + " and so are runs that completed nothing.",
            "Of the rest, the lowest p99 latency (mean of the per-seed p99s) wins; runs whose 95 % p99 interval"
                    + " overlaps the winner's are tied.",
            "A tie goes to the lowest mean latency (runs whose 95 % interval overlaps the lowest's still tied),",
            "then to the highest fairness (Jain's index over backend utilisation), then to the run listed first.",
            "Intervals: Student t over the per-seed values, mean +- t(0.975, N-1) x s / sqrt(N); every strategy"
                    + " ran the same N seeds.");

    /**
     * The outcome for one run.
     *
     * @param chosen whether this run is the recommendation
     * @param reason why it was chosen or left out, in words with its numbers
     */
    public record Verdict(Run run, boolean chosen, String reason) {
    }

    private final Run winner;
    private final Run baseline;
    private final List<Verdict> verdicts;
    private final boolean withIntervals;

    private Recommendation(Run winner, Run baseline, List<Verdict> verdicts, boolean withIntervals) {
        this.winner = winner;
        this.baseline = baseline;
        this.verdicts = List.copyOf(verdicts);
        this.withIntervals = withIntervals;
    }

    /** Whether the rule judged by confidence intervals (every run had them) rather than by the fixed 2 %. */
    public boolean withIntervals() {
        return withIntervals;
    }

    /** The rule as applied, one step a line: {@link #RULE_WITH_INTERVALS} or {@link #RULE}. */
    public List<String> rule() {
        return withIntervals ? RULE_WITH_INTERVALS : RULE;
    }

    /** Whether every run carries intervals over two or more seeds. */
    public static boolean haveIntervals(List<Run> runs) {
        for (Run r : runs) {
            if (r.confidence() == null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Applies the rule to {@code runs} (one workload: no two sweep values mixed).
     *
     * @throws IllegalArgumentException when {@code runs} is empty
     */
    public static Recommendation of(List<Run> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to choose from");
        }
        // By position, not by run: two runs may be equal records (the same label run twice).
        String[] reasons = new String[runs.size()];
        List<Integer> left = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i).summary().latencyMs().p99() == null) {
                reasons[i] = "completed nothing, so it has no p99";
            } else {
                left.add(i);
            }
        }
        boolean intervals = haveIntervals(runs);
        if (left.isEmpty()) {
            return new Recommendation(null, null, verdicts(runs, reasons, -1), intervals);
        }
        if (intervals) {
            left = dropFailingWithIntervals(runs, left, reasons);
            left = keepOverlapping(runs, left, reasons, c -> c.p99Ms(), "p99");
            left = keepOverlapping(runs, left, reasons, c -> c.meanMs(), "mean latency");
        } else {
            double bestFailed = left.stream().mapToDouble(i -> failed(runs.get(i))).min().orElseThrow();
            double limit = bestFailed + FAILURE_TOLERANCE;
            for (Integer i : List.copyOf(left)) {
                double failed = failed(runs.get(i));
                // A whisker of slack so a run exactly at the limit is not lost to rounding in the sum.
                if (failed > limit + 1e-12) {
                    reasons[i] = "failed " + percent(failed) + " of requests, more than 0.1 percentage point above"
                            + " the best (" + percent(bestFailed) + ")";
                    left.remove(i);
                }
            }
            left = keepLowest(runs, left, reasons, r -> r.summary().latencyMs().p99(), "p99");
            left = keepLowest(runs, left, reasons, Recommendation::mean, "mean latency");
        }
        double bestFairness = left.stream().mapToDouble(i -> fairness(runs.get(i))).max().orElseThrow();
        int winner = -1;
        for (int i : left) {
            double fairness = fairness(runs.get(i));
            if (fairness < bestFairness) {
                reasons[i] = "tied on latency; fairness " + decimal(fairness) + " below " + decimal(bestFairness);
            } else if (winner >= 0) {
                reasons[i] = "tied with " + runs.get(winner).strategy() + " on every criterion; listed after it";
            } else {
                winner = i;
            }
        }
        reasons[winner] = "recommended";
        Run best = runs.get(winner);
        Run baseline = null;
        for (int i = 0; i < runs.size() && baseline == null; i++) {
            if (i != winner && isRoundRobin(runs.get(i))) {
                baseline = runs.get(i);
            }
        }
        if (baseline == null || isRoundRobin(best)) {
            List<Run> others = new ArrayList<>(runs);
            others.remove(winner);
            baseline = others.isEmpty() ? null : of(others).winner().orElse(null);
        }
        return new Recommendation(best, baseline, verdicts(runs, reasons, winner), intervals);
    }

    /**
     * Step 1 with intervals: the best is the lowest mean failed share; a run is out when its
     * interval's low end is above the best's high end plus the tolerance. An unbounded interval (a
     * seed that completed nothing) is judged by its mean alone.
     */
    private static List<Integer> dropFailingWithIntervals(List<Run> runs, List<Integer> left, String[] reasons) {
        int best = left.get(0);
        for (int i : left) {
            if (failedMean(runs.get(i)) < failedMean(runs.get(best))) {
                best = i;
            }
        }
        SimulationResults.Interval b = runs.get(best).confidence().failedShare();
        double limit = (b.bounded() ? b.high() : failedMean(runs.get(best))) + FAILURE_TOLERANCE;
        List<Integer> kept = new ArrayList<>();
        for (int i : left) {
            SimulationResults.Interval f = runs.get(i).confidence().failedShare();
            double low = f.bounded() ? f.low() : failedMean(runs.get(i));
            if (low > limit + 1e-12) {
                reasons[i] = "failed " + share(f) + " of requests, wholly above the best " + share(b)
                        + " + 0.1 percentage point";
            } else {
                kept.add(i);
            }
        }
        return kept;
    }

    private static double failedMean(Run r) {
        Double m = r.confidence().failedShare().mean();
        return m == null ? failed(r) : m;
    }

    /**
     * Steps 2 and 3 with intervals: the run with the lowest mean of the metric leads; runs whose
     * interval overlaps the leader's stay. A run whose interval is unbounded (some seed completed
     * nothing) or whose mean is missing is compared by the 2 % rule on its mean.
     */
    private static List<Integer> keepOverlapping(List<Run> runs, List<Integer> left, String[] reasons,
                                                 Function<SimulationResults.Confidence, SimulationResults.Interval>
                                                         metric, String name) {
        int lead = left.get(0);
        for (int i : left) {
            if (meanOf(metric, runs.get(i)) < meanOf(metric, runs.get(lead))) {
                lead = i;
            }
        }
        SimulationResults.Interval best = metric.apply(runs.get(lead).confidence());
        List<Integer> kept = new ArrayList<>();
        for (int i : left) {
            SimulationResults.Interval v = metric.apply(runs.get(i).confidence());
            boolean tied;
            String why;
            if (best.bounded() && v.bounded()) {
                tied = best.overlaps(v);
                why = name + " " + interval(v) + " ms, wholly above the lowest " + interval(best) + " ms";
            } else {
                double m = meanOf(metric, runs.get(i));
                double lowest = meanOf(metric, runs.get(lead));
                tied = m <= lowest * (1 + TIE);
                why = name + " " + precise(m) + " ms, more than 2 % above the lowest (" + precise(lowest)
                        + " ms; no interval: a seed completed nothing)";
            }
            if (tied) {
                kept.add(i);
            } else {
                reasons[i] = why;
            }
        }
        return kept;
    }

    private static double meanOf(Function<SimulationResults.Confidence, SimulationResults.Interval> metric, Run r) {
        Double m = metric.apply(r.confidence()).mean();
        return m == null ? Double.MAX_VALUE : m;
    }

    /** An interval in milliseconds as "121.0 [118.2, 124.3]". */
    public static String interval(SimulationResults.Interval i) {
        if (i.mean() == null) {
            return "none";
        }
        return precise(i.mean()) + (i.bounded() ? " [" + precise(i.low()) + ", " + precise(i.high()) + "]" : "");
    }

    /** A share interval as "0.030 % [0.020 %, 0.041 %]". */
    public static String share(SimulationResults.Interval i) {
        if (i.mean() == null) {
            return "none";
        }
        return percent(i.mean()) + (i.bounded() ? " [" + percent(Math.max(0, i.low())) + ", " + percent(i.high())
                + "]" : "");
    }

    /** The run to deploy; empty when no run completed anything. */
    public Optional<Run> winner() {
        return Optional.ofNullable(winner);
    }

    /**
     * What the winner is compared with: the round-robin run (the usual default), or the
     * runner-up under the same rule when the winner is round robin or there is no round-robin run;
     * empty with a single run.
     */
    public Optional<Run> baseline() {
        return Optional.ofNullable(baseline);
    }

    /** Whether the baseline is the round-robin run rather than the runner-up. */
    public boolean baselineIsRoundRobin() {
        return baseline != null && isRoundRobin(baseline) && !isRoundRobin(winner);
    }

    /** One verdict per run, in run order. */
    public List<Verdict> verdicts() {
        return verdicts;
    }

    /** The failed share of a run (errors + timeouts + rejections over requests), 0 when unknown. */
    public static double failed(Run r) {
        Double f = r.summary().failureRate();
        return f == null ? 0 : f;
    }

    /** Whether a run is plain round robin: labelled so or with that spec. */
    public static boolean isRoundRobin(Run r) {
        return r != null && ("round-robin".equals(r.strategy()) || "round-robin".equals(r.spec().trim()));
    }

    private static List<Integer> keepLowest(List<Run> runs, List<Integer> left, String[] reasons,
                                            ToDoubleFunction<Run> metric, String name) {
        double lowest = left.stream().mapToDouble(i -> metric.applyAsDouble(runs.get(i))).min().orElseThrow();
        List<Integer> kept = new ArrayList<>();
        for (int i : left) {
            double v = metric.applyAsDouble(runs.get(i));
            if (v > lowest * (1 + TIE)) {
                // One more digit than the tables show, so a value just past the 2 % limit reads as past it.
                reasons[i] = name + " " + precise(v) + " ms, more than 2 % above the lowest (" + precise(lowest)
                        + " ms)";
            } else {
                kept.add(i);
            }
        }
        return kept;
    }

    private static double mean(Run r) {
        Double mean = r.summary().latencyMs().mean();
        return mean == null ? Double.MAX_VALUE : mean;
    }

    private static double fairness(Run r) {
        Double jain = r.summary().jainUtilisation();
        return jain == null ? 0 : jain;
    }

    private static List<Verdict> verdicts(List<Run> runs, String[] reasons, int winner) {
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            verdicts.add(new Verdict(runs.get(i), i == winner, reasons[i]));
        }
        return verdicts;
    }

    /** A share as a percentage with enough digits for small rates: 0.00027 is "0.027 %". */
    public static String percent(double share) {
        double pct = share * 100;
        if (pct == 0) {
            return "0 %";
        }
        String digits = pct >= 10 ? "%.1f" : pct >= 1 ? "%.2f" : pct >= 0.01 ? "%.3f" : "%.2g";
        return String.format(Locale.ROOT, digits, pct) + " %";
    }

    /** Milliseconds with three significant digits or so: 0.912, 15.1, 120, 1234. */
    public static String millis(double ms) {
        if (ms >= 100) {
            return String.format(Locale.ROOT, "%.0f", ms);
        }
        if (ms >= 10) {
            return String.format(Locale.ROOT, "%.1f", ms);
        }
        if (ms >= 1) {
            return String.format(Locale.ROOT, "%.2f", ms);
        }
        return String.format(Locale.ROOT, "%.3f", ms);
    }

    /** Milliseconds to four significant digits or so: 102.5, 21.59, 0.9123. */
    static String precise(double ms) {
        String pattern = ms >= 100 ? "%.1f" : ms >= 10 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, ms);
    }

    private static String decimal(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }
}
