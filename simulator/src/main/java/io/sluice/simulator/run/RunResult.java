package io.sluice.simulator.run;

import io.sluice.simulator.metrics.Confidence;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.scenario.ScenarioRun;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;

/**
 * One finished run of a scenario: a strategy (at one sweep value) simulated once per seed.
 *
 * @param run          what ran: label, strategy, sweep value, one configuration per seed
 * @param seeds        what each seed's simulation measured, in the order of {@code run.configs()}
 * @param skippedLines malformed trace lines its workload skipped ({@code skip-bad-lines}) in one pass over
 *                     the trace (every seed reads the same lines); 0 for synthetic workloads
 * @param requestsByTypePerSeed each seed's measured arrivals by message type name (numbers first, then
 *                     words, see {@code TypeTally}); empty maps when the workload carries no types
 */
public record RunResult(ScenarioRun run, List<SimulationResult> seeds, long skippedLines,
                        List<Map<String, Long>> requestsByTypePerSeed) {
    /** Numbers in increasing order, then words in alphabetical order, as {@code TypeTally} prints them. */
    private static final Comparator<String> TYPE_ORDER = Comparator
            .comparing((String name) -> !isNumber(name))
            .thenComparing((x, y) -> isNumber(x) ? Long.compare(Long.parseLong(x), Long.parseLong(y)) : x.compareTo(y));

    public RunResult {
        Objects.requireNonNull(run, "run");
        seeds = List.copyOf(seeds);
        requestsByTypePerSeed = List.copyOf(requestsByTypePerSeed);
        if (seeds.size() != run.configs().size() || requestsByTypePerSeed.size() != seeds.size()) {
            throw new IllegalArgumentException("run " + run.label() + " has " + run.configs().size()
                    + " seeds but " + seeds.size() + " results and " + requestsByTypePerSeed.size() + " type counts");
        }
    }

    /** The seeds taken together ({@link SimulationResult#pooled}); the only result with one seed. */
    public SimulationResult result() {
        return SimulationResult.pooled(seeds);
    }

    /** The seeds' arrivals by message type name, summed as {@link #result()} sums requests. */
    public Map<String, Long> requestsByType() {
        Map<String, Long> sum = new TreeMap<>(TYPE_ORDER);
        for (Map<String, Long> one : requestsByTypePerSeed) {
            one.forEach((type, n) -> sum.merge(type, n, Long::sum));
        }
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sum));
    }

    /** 95 % intervals of p99, mean latency and failed share over the seeds. */
    public Confidence confidence() {
        return Confidence.of(seeds);
    }

    private static boolean isNumber(String name) {
        return name.matches("-?[0-9]{1,18}");
    }
}
