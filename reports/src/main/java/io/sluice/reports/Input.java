package io.sluice.reports;

import io.sluice.reports.jmh.JmhResult;
import io.sluice.reports.simulation.PolicyComparison;
import io.sluice.reports.simulation.SimulationResults;
import java.util.List;

/** One input file, read and checked, of one of the kinds {@link InputKind} recognises. */
sealed interface Input permits Input.Simulation, Input.Jmh {
    /** The file as the user named it. */
    String source();

    /**
     * A simulator results document.
     *
     * @param comparison what {@code simulate --compare} compared, or null for an ordinary run
     */
    record Simulation(String source, SimulationResults results, PolicyComparison comparison) implements Input {
        Simulation(String source, SimulationResults results) {
            this(source, results, null);
        }
    }

    /** A JMH JSON result file. */
    record Jmh(String source, List<JmhResult> results) implements Input {
        public Jmh {
            results = List.copyOf(results);
        }
    }
}
