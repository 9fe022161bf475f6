package io.sluice.simulator.workload;

import io.sluice.algorithms.Durations;

/**
 * On/off bursts: a two-state Markov-modulated Poisson process (MMPP-2). In state {@code on} requests
 * arrive at {@code onRate}, in {@code off} at {@code offRate} (may be 0); each sojourn is exponential
 * with its state's mean, so the state is a continuous-time Markov chain.
 *
 * <p>The chain's stationary law is {@code P(on) = m_on / (m_on + m_off)}, so the mean rate is
 * {@code (onRate m_on + offRate m_off) / (m_on + m_off)} (Fischer and Meier-Hellstern, "The
 * Markov-modulated Poisson process (MMPP) cookbook", Performance Evaluation 18(2), 1993). The first
 * state is drawn from that law and its first sojourn is a full exponential (memorylessness makes it
 * the residual too), so the process is stationary from t = 0. Generation: in state s, draw a gap
 * with mean {@code 1 / rate_s}; if it ends before the state's switch time, that is the next arrival,
 * else jump to the switch time and change state; memorylessness again makes discarding the
 * overshooting gap exact. Worked example: on 2000/s for 5 s, off 100/s for 55 s: mean
 * (2000*5 + 100*55)/60 = 258.3/s.
 */
final class OnOffWorkload implements WorkloadSpec {
    private final double onRate;
    private final long onMeanNanos;
    private final double offRate;
    private final long offMeanNanos;
    private final String devicePrefix;
    private final int devices;
    private final ArrivalMarks marks;

    OnOffWorkload(double onRate, long onMeanNanos, double offRate, long offMeanNanos, String devicePrefix,
            int devices, ArrivalMarks marks) {
        this.onRate = onRate;
        this.onMeanNanos = onMeanNanos;
        this.offRate = offRate;
        this.offMeanNanos = offMeanNanos;
        this.devicePrefix = devicePrefix;
        this.devices = devices;
        this.marks = marks;
    }

    @Override
    public ArrivalStream open(long seed, long horizonNanos) {
        return new UniformDeviceStream(Seeds.random(seed, 0), devicePrefix, devices, marks, horizonNanos) {
            private boolean on = random.nextDouble() * (onMeanNanos + offMeanNanos) < onMeanNanos;
            private double now;
            private double switchAt = RandomDraws.exponential(random, on ? onMeanNanos : offMeanNanos);

            @Override
            double nextTimeNanos() {
                while (true) {
                    double rate = on ? onRate : offRate;
                    double candidate = rate > 0 ? now + RandomDraws.exponential(random, 1e9 / rate)
                            : Double.POSITIVE_INFINITY;
                    if (candidate <= switchAt) {
                        now = candidate;
                        return now;
                    }
                    now = switchAt;
                    if (now > horizonNanos()) {
                        return now;
                    }
                    on = !on;
                    switchAt = now + RandomDraws.exponential(random, on ? onMeanNanos : offMeanNanos);
                }
            }
        };
    }

    @Override
    public double meanRatePerSecond() {
        return (onRate * onMeanNanos + offRate * offMeanNanos) / (onMeanNanos + offMeanNanos);
    }

    @Override
    public String describe() {
        return "mmpp on " + Rates.format(onRate) + " for ~" + Durations.format(onMeanNanos) + ", off "
                + Rates.format(offRate) + " for ~" + Durations.format(offMeanNanos) + ", " + devices + " devices"
                + marks.describe();
    }
}
