package io.sluice.reports.simulation;

import io.sluice.reports.json.JsonField;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The runs of a scenario's {@code compare-protection}: each strategy without and with the tier's
 * rate limits and adaptive concurrency limit, as a results file records them (a run's
 * {@code protection}, its summary's {@code rateLimited}, {@code shed}, {@code admittedPerSecond}
 * and {@code wellBehaved}; see {@code docs/results-schema.md}). Read apart from the runs, as
 * {@link PolicyComparison} is: files without the fields have no comparison.
 *
 * @param sides every run that is a side of the comparison, in file order
 */
public record ProtectionResults(List<Side> sides) {
    public ProtectionResults {
        sides = List.copyOf(sides);
    }

    /**
     * One run of the comparison.
     *
     * @param label              the run's label ({@code round-robin +protection})
     * @param strategy           the strategy both sides run
     * @param enabled            whether this side is protected
     * @param sweepValue         the run's sweep value, or null
     * @param requests           measured requests
     * @param rateLimited        refused by a rate limit (429)
     * @param shed               refused by the adaptive concurrency limit (503)
     * @param admittedPerSecond  requests per second past both limits
     * @param completedPerSecond successful requests per second
     * @param p99Ms              every device's p99, or null
     * @param wellBehaved        the well-behaved devices' figures pooled over the seeds, or null when
     *                           the scenario names no misbehaving devices
     * @param wellBehavedPerSeed the same for each seed, in seed order (empty when null)
     */
    public record Side(String label, String strategy, boolean enabled, Double sweepValue, long requests,
                       long rateLimited, long shed, Double admittedPerSecond, double completedPerSecond, Double p99Ms,
                       WellBehaved wellBehaved, List<WellBehaved> wellBehavedPerSeed) {
        public Side {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(strategy, "strategy");
            wellBehavedPerSeed = List.copyOf(wellBehavedPerSeed);
        }
    }

    /**
     * What the well-behaved devices saw.
     *
     * @param successRate share of their requests that succeeded
     * @param p99Ms       p99 of their successful requests, or null without any
     */
    public record WellBehaved(long requests, long completed, double successRate, Double p99Ms) {
    }

    /** The side of {@code strategy} (at {@code sweepValue}) with protection {@code enabled}, or null. */
    public Side side(String strategy, Double sweepValue, boolean enabled) {
        for (Side s : sides) {
            if (s.strategy().equals(strategy) && s.enabled() == enabled && Objects.equals(s.sweepValue(), sweepValue)) {
                return s;
            }
        }
        return null;
    }

    /**
     * The comparison in a results document, or null when it has none.
     *
     * @throws io.sluice.reports.ReportInputException when the fields are there but malformed
     */
    public static ProtectionResults read(JsonField document) {
        List<Side> sides = new ArrayList<>();
        for (JsonField r : document.get("runs").elements()) {
            JsonField p = r.get("protection");
            if (!p.isPresent() || p.isNull()) {
                continue;
            }
            p = p.object();
            JsonField summary = r.get("summary").object();
            List<WellBehaved> perSeed = new ArrayList<>();
            JsonField seeds = r.get("perSeed");
            if (seeds.isPresent()) {
                for (JsonField one : seeds.elements()) {
                    WellBehaved w = wellBehaved(one.get("summary").object().get("wellBehaved"));
                    if (w != null) {
                        perSeed.add(w);
                    }
                }
            }
            sides.add(new Side(r.get("strategy").text(), p.get("strategy").text(), bool(p.get("enabled")),
                    r.get("sweepValue").nullableNumber(), summary.get("requests").count(),
                    summary.get("rateLimited").count(), summary.get("shed").count(),
                    summary.get("admittedPerSecond").nullableNonNegative(),
                    summary.get("throughputPerSecond").nonNegative(),
                    summary.get("latencyMs").object().get("p99").nullableNonNegative(),
                    wellBehaved(summary.get("wellBehaved")), perSeed));
        }
        return sides.isEmpty() ? null : new ProtectionResults(sides);
    }

    private static WellBehaved wellBehaved(JsonField f) {
        if (!f.isPresent() || f.isNull()) {
            return null;
        }
        f = f.object();
        return new WellBehaved(f.get("requests").count(), f.get("completed").count(), f.get("successRate").fraction(),
                f.get("p99Ms").nullableNonNegative());
    }

    private static boolean bool(JsonField f) {
        if (!f.node().isBoolean()) {
            throw f.problem("expected true or false, got " + JsonField.describe(f.node()));
        }
        return f.node().booleanValue();
    }
}
