package io.sluice.reports;

import io.sluice.reports.jmh.JmhResult;
import io.sluice.reports.simulation.PolicyComparison;
import io.sluice.reports.simulation.ProtectionResults;
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
     * @param protection  the runs without and with protection of a {@code compare-protection}
     *                    scenario, or null
     */
    record Simulation(String source, SimulationResults results, PolicyComparison comparison,
                      ProtectionResults protection) implements Input {
        Simulation(String source, SimulationResults results) {
            this(source, results, null, null);
        }

        Simulation(String source, SimulationResults results, PolicyComparison comparison) {
            this(source, results, comparison, null);
        }
    }

    /** A JMH JSON result file. */
    record Jmh(String source, List<JmhResult> results) implements Input {
        public Jmh {
            results = List.copyOf(results);
        }
    }
}
