package io.sluice.reports.simulation;

import io.sluice.reports.json.JsonField;
import java.util.Objects;

/**
 * What {@code sluice simulate --compare} ran: a current and a proposed cluster policy on the same
 * traffic, capacity model and seed, as {@code scenario.comparison} of a results file records it.
 * The two runs are labelled {@link #CURRENT} and {@link #PROPOSED}.
 *
 * @param source   where the policies came from (the proxy config, its cluster, the proposed file)
 * @param current  the current policy in one line
 * @param proposed the proposed policy in one line
 */
public record PolicyComparison(String source, String current, String proposed) {
    public static final String CURRENT = "current";
    public static final String PROPOSED = "proposed";

    public PolicyComparison {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(proposed, "proposed");
    }

    /**
     * The comparison of a results document, or null when it has none (or predates the field).
     *
     * @throws io.sluice.reports.ReportInputException when the field is there but malformed
     */
    public static PolicyComparison read(JsonField document) {
        JsonField scenario = document.get("scenario").object();
        JsonField c = scenario.get("comparison");
        if (!c.isPresent() || c.isNull()) {
            return null;
        }
        c = c.object();
        return new PolicyComparison(c.get("source").text(), c.get("current").text(), c.get("proposed").text());
    }
}
