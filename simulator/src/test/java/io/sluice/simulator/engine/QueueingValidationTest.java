package io.sluice.simulator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.StrategySpec;
import io.sluice.simulator.metrics.IntervalSample;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Discipline;
import io.sluice.simulator.model.Distribution;
import io.sluice.simulator.standin.PoissonWorkload;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The engine against exact queueing results. Every case: Poisson arrivals (test-local generator),
 * mean service time 1 ms (mu = 1000/s), zero network delay, a fixed seed.
 *
 * <p>Method (batch means): the run's measured window is cut into K = 20 equal time batches (the
 * time-series interval); the point estimate is the mean response time of every measured request;
 * the 95% confidence half-width is {@code t(0.975, 19) * s / sqrt(20) = 2.093 * s / 4.472}, with
 * {@code s} the standard deviation of the 20 batch means. A case passes when the estimate is
 * within 2% of the exact value or the exact value lies inside the interval; to keep the second
 * branch honest every case also requires the half-width to be under 4% of the exact value.
 * Warm-up (discarded) is at least 20 times the relaxation time of the queue, about
 * {@code 1 / (mu (1 - sqrt(rho))^2)} = 0.38 s for an M/M/1 at rho = 0.9.
 *
 * <p>Run lengths are chosen so that the batch-mean standard error is about 1%: for an M/M/1 the
 * relative asymptotic variance of the time-average queue length is {@code 2(1+rho) / (rho
 * (1-rho)^2)} service times (Whitt, 1989), 422 at rho = 0.9, so 4000 s (4e6 service times) give
 * {@code sqrt(422 / 4e6) = 1%}. In total the suite simulates about 15 million requests: about
 * 30 seconds of test time on this shared 2-core machine under a load average of 15.
 *
 * <p>Strategies: the registered {@code random}, {@code round-robin} and {@code p2c-least-request}
 * (the very classes the proxy runs). The single-backend cases use {@code random} (with one backend
 * every strategy picks it). Pickers are rebuilt only on health changes here (none happen), not on
 * the default 1 s refresh timer: a rebuilt round robin restarts its cycle at a random position,
 * which would break the exact every-N-th-arrival pattern the E_N/M/1 model assumes once a second.
 */
class QueueingValidationTest {
    static final String RANDOM = "random";
    static final String ROUND_ROBIN = "round-robin";
    static final String POWER_OF_D = "p2c-least-request";

    private static final double MS = 1e6;
    private static final long SECOND = 1_000_000_000L;
    private static final int BATCHES = 20;
    private static final double T_975_19 = 2.093;

    @Test
    void mm1AtHalfLoad() {
        // M/M/1, lambda = 500/s, mu = 1000/s: T = 1 / (mu - lambda) = 2 ms.
        double exact = 1.0 / (1000 - 500) * 1e9;
        check("M/M/1 rho=0.5", exact, run(group(1, 1, Distribution.exponential(MS), Discipline.FIFO), RANDOM, 500,
                20 * SECOND, 420 * SECOND));
    }

    @Test
    void mm1AtNinetyPercent() {
        // M/M/1, lambda = 900/s, mu = 1000/s: T = 1 / (mu - lambda) = 10 ms.
        double exact = 1.0 / (1000 - 900) * 1e9;
        check("M/M/1 rho=0.9", exact, run(group(1, 1, Distribution.exponential(MS), Discipline.FIFO), RANDOM, 900,
                200 * SECOND, 4200 * SECOND));
    }

    @Test
    void mmcErlangC() {
        // M/M/4, lambda = 3600/s, mu = 1000/s per server: a = 3.6, rho = 0.9.
        // T = 1/mu + C(c, a) / (c mu - lambda), C the Erlang C probability of waiting.
        int c = 4;
        double lambda = 3600;
        double mu = 1000;
        double exact = (1 / mu + erlangC(c, lambda / mu) / (c * mu - lambda)) * 1e9;
        check("M/M/4 rho=0.9", exact, run(group(1, c, Distribution.exponential(MS), Discipline.FIFO), RANDOM, lambda,
                30 * SECOND, 630 * SECOND));
    }

    @Test
    void randomRoutingIsIndependentMm1Queues() {
        // Random routing splits a Poisson stream into N independent Poisson streams of rate lambda/N:
        // each server is an M/M/1 at rho = 0.9, T = 1 / (mu - lambda/N) = 10 ms.
        int servers = 4;
        double exact = 1.0 / (1000 - 900) * 1e9;
        check("random over 4, rho=0.9", exact, run(group(servers, 1, Distribution.exponential(MS), Discipline.FIFO),
                RANDOM, servers * 900, 40 * SECOND, 840 * SECOND));
    }

    @Test
    void roundRobinIsErlangArrivalsToMm1() {
        // Round robin hands each server every N-th arrival: inter-arrivals Erlang(N, N l), an E_N/M/1
        // queue. G/M/1: sigma solves sigma = A*(mu (1 - sigma)) with A*(s) = (N l / (N l + s))^N,
        // then T = 1 / (mu (1 - sigma)). N = 4, l = 900/s: sigma = 0.8433, T = 6.383 ms.
        int servers = 4;
        double l = 900;
        double mu = 1000;
        double sigma = 0.5;
        for (int i = 0; i < 10_000; i++) {
            sigma = Math.pow(servers * l / (servers * l + mu * (1 - sigma)), servers);
        }
        double exact = 1 / (mu * (1 - sigma)) * 1e9;
        assertThat(exact / 1e6).isBetween(5.0, 6.5);
        check("round robin over 4, rho=0.9", exact, run(group(servers, 1, Distribution.exponential(MS),
                Discipline.FIFO), ROUND_ROBIN, servers * l, 40 * SECOND, 840 * SECOND));
    }

    @Test
    void powerOfTwoChoicesMatchesTheSupermarketModel() {
        // Supermarket model (Mitzenmacher 2001; Vvedenskaya, Dobrushin, Karpelevich 1996): as N grows,
        // mean sojourn in units of the mean service time = sum over i >= 1 of l^((d^i - d)/(d - 1)),
        // l the load per server. d = 2, l = 0.9: 1 + 0.9^2 + 0.9^6 + 0.9^14 + 0.9^30 + ... = 2.6137.
        // Mitzenmacher's customer picks d servers "independently and uniformly at random", that is
        // with replacement, as p2c-least-request (Envoy's LEAST_REQUEST) does: the fraction of
        // arrivals that join a queue of length >= i is then exactly s_i^d, the model's premise.
        // Vvedenskaya et al. draw d distinct servers, for which it is s_i^d (1 + O(1/N)); both give
        // the same limit. Either way N = 1000 stands in for the limit with an O(1/N) correction:
        // a repeated draw has probability 1/N = 0.1%, far inside the 2% tolerance.
        int servers = 1000;
        int d = 2;
        double l = 0.9;
        double sum = 0;
        for (int i = 1; i < 64; i++) {
            double exponent = (Math.pow(d, i) - d) / (d - 1);
            sum += Math.pow(l, exponent);
        }
        double exact = sum * MS;
        assertThat(sum).isCloseTo(2.6137, org.assertj.core.data.Offset.offset(1e-3));
        SimulationResult r = run(group(servers, 1, Distribution.exponential(MS), Discipline.FIFO),
                StrategySpec.of(POWER_OF_D, Map.of("choices", d)), servers * l * 1000, SECOND / 2, SECOND / 2 + 2 * SECOND);
        check("power of 2 over 1000, l=0.9", exact, r);
    }

    @Test
    void md1PollaczekKhinchine() {
        // M/D/1: W = rho / (2 mu (1 - rho)) (Pollaczek-Khinchine with zero service variance), T = 1/mu + W.
        // rho = 0.9: T = 1 ms + 4.5 ms = 5.5 ms.
        double rho = 0.9;
        double exact = (1.0 + rho / (2 * (1 - rho))) * MS;
        check("M/D/1 rho=0.9", exact, run(group(1, 1, Distribution.constant(MS), Discipline.FIFO), RANDOM, 900,
                50 * SECOND, 1050 * SECOND));
    }

    @Test
    void processorSharingIsInsensitiveToTheServiceDistribution() {
        // M/G/1-PS: T = 1 / (mu - lambda) whatever the service distribution. Deterministic service at
        // rho = 0.9 gives 10 ms, where FIFO would give 5.5 ms (the M/D/1 case above).
        double exact = 1.0 / (1000 - 900) * 1e9;
        check("M/D/1-PS rho=0.9", exact, run(group(1, 1, Distribution.constant(MS), Discipline.PROCESSOR_SHARING),
                RANDOM, 900, 60 * SECOND, 1260 * SECOND));
    }

    // ---------------------------------------------------------------------------------------------

    static double erlangC(int c, double a) {
        double term = 1;
        double sum = 0;
        for (int k = 0; k < c; k++) {
            sum += term;
            term = term * a / (k + 1);
        }
        // term is now a^c / c!
        double last = term * c / (c - a);
        return last / (sum + last);
    }

    private static BackendGroup group(int count, int concurrency, Distribution service, Discipline discipline) {
        return BackendGroup.builder("s", count).concurrency(concurrency).serviceTime(service).discipline(discipline)
                .build();
    }

    private static SimulationResult run(BackendGroup backends, String strategy, double ratePerSecond, long warmUp,
                                        long duration) {
        return run(backends, StrategySpec.of(strategy), ratePerSecond, warmUp, duration);
    }

    private static SimulationResult run(BackendGroup backends, StrategySpec strategy, double ratePerSecond,
                                        long warmUp, long duration) {
        long window = duration - warmUp;
        assertThat(window % BATCHES).as("window divisible into batches").isZero();
        assertThat(warmUp % (window / BATCHES)).as("warm-up a whole number of batches").isZero();
        SimulationConfig config = SimulationConfig.builder()
                .backends(backends)
                .strategy(strategy)
                .workload(PoissonWorkload.of(ratePerSecond))
                .warmUpNanos(warmUp)
                .durationNanos(duration)
                .intervalNanos(window / BATCHES)
                .seed(20240601)
                .build();
        return Simulation.of(config).run();
    }

    private static void check(String name, double exactNanos, SimulationResult r) {
        assertThat(r.outcomes().failureRate()).as(name + " failures").isZero();
        // The series covers the whole run and its last interval ends at the duration, so the batches
        // are the intervals that start inside the measured window.
        long duration = r.intervals().get(r.intervals().size() - 1).endNanos();
        long windowStart = duration - r.windowNanos();
        List<IntervalSample> batches = r.intervals().stream().filter(s -> s.startNanos() >= windowStart).toList();
        assertThat(batches).hasSize(BATCHES);
        double mean = 0;
        for (IntervalSample s : batches) {
            mean += s.meanLatencyNanos();
        }
        mean /= BATCHES;
        double ss = 0;
        for (IntervalSample s : batches) {
            double d = s.meanLatencyNanos() - mean;
            ss += d * d;
        }
        double sd = Math.sqrt(ss / (BATCHES - 1));
        double halfWidth = T_975_19 * sd / Math.sqrt(BATCHES);
        double estimate = r.latency().meanNanos();
        double error = Math.abs(estimate - exactNanos);
        System.out.printf("%-32s exact %.4f ms, simulated %.4f ms (%+.2f%%), 95%% CI +-%.2f%%, %d requests%n", name,
                exactNanos / MS, estimate / MS, 100 * (estimate - exactNanos) / exactNanos,
                100 * halfWidth / exactNanos, r.outcomes().requests());
        assertThat(halfWidth).as(name + ": the confidence interval is too wide to judge").isLessThan(0.04 * exactNanos);
        assertThat(error <= 0.02 * exactNanos || error <= halfWidth)
                .as(name + ": simulated %.4f ms, exact %.4f ms, CI half-width %.4f ms", estimate / MS, exactNanos / MS,
                        halfWidth / MS)
                .isTrue();
    }
}
