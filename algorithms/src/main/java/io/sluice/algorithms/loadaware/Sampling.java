package io.sluice.algorithms.loadaware;

import io.sluice.algorithms.ParameterSpec;

import java.util.List;
import java.util.Locale;

/**
 * How a power-of-choices strategy draws its candidates: the {@code sampling} parameter of
 * {@code p2c-least-request}, {@code p2c-peak-ewma} and {@code p2c-utilisation}.
 */
enum Sampling {
    /** Each candidate with probability proportional to its effective weight (Vose's alias table). */
    WEIGHTED,
    /** Each candidate uniformly, whatever the weights (Finagle's and Linkerd's P2C). */
    UNIFORM;

    static final String PARAMETER = "sampling";

    /** The declared parameter, default {@code weighted}. */
    static final ParameterSpec SPEC = ParameterSpec.choice(PARAMETER, "weighted", List.of("weighted", "uniform"),
            "how the candidates are drawn: in proportion to weight, or uniformly as Finagle does (which caps a"
                    + " backend's share near 2/N whatever its weight)");

    static Sampling of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
