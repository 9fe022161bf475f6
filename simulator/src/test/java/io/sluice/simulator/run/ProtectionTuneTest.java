package io.sluice.simulator.run;

import io.sluice.simulator.output.ComparisonTable;
import io.sluice.simulator.scenario.Scenario;
import io.sluice.simulator.scenario.Scenarios;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtectionTuneTest {
    @Test
    void print() {
        Scenario s = Scenarios.builtin("runaway-firmware", Scenarios.Options.defaults()).withSeeds(3);
        long t0 = System.nanoTime();
        List<RunResult> results = new Runner(2, Progress.NONE).run(s.runs());
        System.out.println(ComparisonTable.render(s, results));
        System.out.println("took " + (System.nanoTime() - t0) / 1e9);
    }
}
