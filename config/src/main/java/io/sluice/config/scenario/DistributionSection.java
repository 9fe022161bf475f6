package io.sluice.config.scenario;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.sluice.algorithms.Durations;
import java.time.Duration;
import java.util.List;

/**
 * A distribution of durations: {@code distribution} (exponential, constant, lognormal, pareto,
 * empirical) and the parameters it takes. Where a constant is allowed (a network delay) a bare
 * duration means a constant.
 */
public record DistributionSection(String distribution, Duration mean, Double sigma, Double shape,
                                  List<Duration> samples) {
    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public DistributionSection {
    }

    /**
     * The short form {@code network-delay: 200us}: a constant. The text is read here (a String
     * delegate keeps Jackson binding mappings through the canonical constructor); text that is no
     * duration leaves {@code mean} null for the reader to report.
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static DistributionSection constant(String text) {
        Duration mean = null;
        if (text != null) {
            String t = text.trim();
            try {
                mean = t.equals("0") ? Duration.ZERO : Duration.ofNanos(Durations.parseNanos(t, "duration"));
            } catch (IllegalArgumentException notADuration) {
                mean = null;
            }
        }
        return new DistributionSection(CONSTANT_SHORT_FORM, mean, null, null, null);
    }

    /** What the short form binds to: a constant whose {@code distribution} key was not written. */
    public static final String CONSTANT_SHORT_FORM = "(duration)";
}
