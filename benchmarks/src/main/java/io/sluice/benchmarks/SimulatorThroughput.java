package io.sluice.benchmarks;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.Strategy;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.StrategySpec;
import io.sluice.simulator.engine.Simulation;
import io.sluice.simulator.engine.SimulationConfig;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Distribution;
import io.sluice.simulator.workload.Arrival;
import io.sluice.simulator.workload.ArrivalStream;
import io.sluice.simulator.workload.WorkloadSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * How fast the simulator runs: one thread, power of two choices over 100 backends (one server
 * each, exponential service with mean 1 ms) at 90% load, Poisson arrivals, no network delay (two
 * events per request: arrival and completion). Reports events and simulated requests per second of
 * wall-clock time; the target is at least 10 million events per second.
 *
 * <p>This is a plain {@code main}, not JMH: one run is seconds long and allocation-free in steady
 * state, so JMH's harness adds nothing but time. The first runs warm the JIT up and are not
 * reported. Usage (after {@code ./mvnw -pl benchmarks -am package -DskipTests}):
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.SimulatorThroughput [virtualSeconds] [runs]
 * </pre>
 * Uses the registered {@code p2c-least-request}; where it is not on the class path (a branch without
 * the strategies) a local two-choices strategy with the same rule stands in, and the output says so.
 */
public final class SimulatorThroughput {
    private SimulatorThroughput() {
    }

    public static void main(String[] args) {
        double virtualSeconds = args.length > 0 ? Double.parseDouble(args[0]) : 20;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int warmUps = 2;
        SimulationConfig config = config((long) (virtualSeconds * 1e9));
        System.out.println("strategy: " + config.strategyName() + ", 100 backends, rho 0.9, "
                + virtualSeconds + " s virtual per run");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double best = 0;
        for (int i = 0; i < warmUps + runs; i++) {
            long start = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            SimulationResult r = Simulation.of(config).run();
            double wall = (System.nanoTime() - start) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            long requests = r.outcomes().requests();
            // On a shared machine the thread is descheduled part of the time: CPU time says what the
            // engine costs, wall time what a user waits.
            System.out.printf(Locale.ROOT, "%s run %d: %,d events, %,d requests; wall %.2f s = %.1f M events/s,"
                            + " %.2f M requests/s; thread CPU %.2f s = %.1f M events/s, %.2f M requests/s;"
                            + " mean latency %.3f ms%n",
                    i < warmUps ? "warm-up" : "measured", i, r.events(), requests, wall, r.events() / wall / 1e6,
                    requests / wall / 1e6, cpu, r.events() / cpu / 1e6, requests / cpu / 1e6,
                    r.latency().meanNanos() / 1e6);
            if (i >= warmUps) {
                best = Math.max(best, r.events() / cpu / 1e6);
            }
        }
        System.out.printf(Locale.ROOT, "best measured: %.1f M events per CPU-second%n", best);
    }

    static SimulationConfig config(long durationNanos) {
        SimulationConfig.Builder b = SimulationConfig.builder()
                .backends(BackendGroup.builder("b", 100).serviceTime(Distribution.exponential(1e6)).build())
                .workload(new Poisson(90_000))
                .durationNanos(durationNanos)
                .intervalNanos(Math.min(1_000_000_000L, durationNanos))
                .seed(1);
        if (StrategyRegistry.standard().strategyNames().contains("p2c-least-request")) {
            b.strategy(StrategySpec.of("p2c-least-request"));
        } else {
            b.strategy("two-choices (local stand-in: p2c-least-request not registered)",
                    SimulatorThroughput::twoChoices);
        }
        return b.build();
    }

    /** Two uniform draws, fewer in flight wins: the rule of p2c-least-request. */
    private static Strategy twoChoices(Environment env) {
        RandomGenerator random = env.random();
        return new Strategy() {
            @Override
            public String name() {
                return "two-choices";
            }

            @Override
            public Picker newPicker(EndpointSet set) {
                List<Endpoint> list = set.available();
                if (list.isEmpty()) {
                    return Picker.NONE;
                }
                Endpoint[] a = list.toArray(new Endpoint[0]);
                return ctx -> {
                    Endpoint x = a[random.nextInt(a.length)];
                    Endpoint y = a[random.nextInt(a.length)];
                    return y.load().inFlight() < x.load().inFlight() ? y : x;
                };
            }
        };
    }

    /** Poisson arrivals without device ids. */
    private static final class Poisson implements WorkloadSpec {
        private final double rate;

        Poisson(double ratePerSecond) {
            this.rate = ratePerSecond;
        }

        @Override
        public ArrivalStream open(long seed, long horizonNanos) {
            SplittableRandom random = new SplittableRandom(seed);
            double meanGap = 1e9 / rate;
            return new ArrivalStream() {
                private double t;

                @Override
                public boolean next(Arrival into) {
                    t += -meanGap * Math.log(1.0 - random.nextDouble());
                    into.timeNanos = (long) t;
                    return into.timeNanos < horizonNanos;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public double meanRatePerSecond() {
            return rate;
        }

        @Override
        public String describe() {
            return "poisson " + rate + "/s";
        }
    }
}
