package io.sluice.config.scenario;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.sluice.config.Kinds;
import io.sluice.config.Rate;
import java.time.Duration;
import java.util.List;

/**
 * {@code workload:} one record per {@code kind}, each with exactly the keys that kind takes (every
 * one documented in {@code scenarios/workloads-example.yaml}). Synthetic sources also take the
 * arrival marks ({@code device-prefix}, {@code type}, {@code size}, {@code service-demand}); in a
 * mixture every source takes a {@code weight}.
 */
@JsonSubTypes({
        @JsonSubTypes.Type(value = WorkloadSection.Poisson.class, name = "poisson"),
        @JsonSubTypes.Type(value = WorkloadSection.Periodic.class, name = "periodic"),
        @JsonSubTypes.Type(value = WorkloadSection.Diurnal.class, name = "diurnal"),
        @JsonSubTypes.Type(value = WorkloadSection.Mmpp.class, name = "mmpp"),
        @JsonSubTypes.Type(value = WorkloadSection.SynchronisedAccess.class,
                names = {"synchronised-access", "synchronized-access"}),
        @JsonSubTypes.Type(value = WorkloadSection.ReconnectStorm.class, name = "reconnect-storm"),
        @JsonSubTypes.Type(value = WorkloadSection.Mixture.class, name = "mixture"),
        @JsonSubTypes.Type(value = WorkloadSection.Trace.class, name = "trace")})
@Kinds(property = "kind")
public sealed interface WorkloadSection {
    /** In a mixture, this source's share of the mixture's rate; null elsewhere. */
    Double weight();

    /** Poisson arrivals at a constant rate. */
    record Poisson(Double weight, Rate rate, Long devices, String devicePrefix, String type, Long size,
                   Double serviceDemand) implements WorkloadSection {
    }

    /** A telemetry fleet: one report a device a period. */
    record Periodic(Double weight, Long devices, Duration period, Duration jitter, String phases,
                    String devicePrefix, String type, Long size, Double serviceDemand) implements WorkloadSection {
    }

    /** A daily swell laid over any source. */
    record Diurnal(Double weight, WorkloadSection source, Duration period, Double amplitude, Duration peakAt)
            implements WorkloadSection {
    }

    /** On/off bursts: a two-state Markov-modulated Poisson process. */
    record Mmpp(Double weight, State on, State off, Long devices, String devicePrefix, String type, Long size,
                Double serviceDemand) implements WorkloadSection {
        /** One state: its rate and its mean sojourn time. */
        public record State(Rate rate, Duration meanSojourn) {
        }
    }

    /** 3GPP TR 37.868 synchronised access. */
    record SynchronisedAccess(Double weight, Long devices, Duration window, String distribution, Duration at,
                              Duration every, String devicePrefix, String type, Long size, Double serviceDemand)
            implements WorkloadSection {
    }

    /** Every device reconnecting after an outage with capped exponential backoff. */
    record ReconnectStorm(Double weight, Long devices, Duration at, Duration outage, Duration base, Duration cap,
                          Double multiplier, String jitter, Double failureProbability, Long maxAttempts,
                          String devicePrefix, String type, Long size, Double serviceDemand) implements WorkloadSection {
    }

    /** Several sources merged, with their own rates or weighted shares of a total. */
    record Mixture(Double weight, Rate rate, List<WorkloadSection> sources) implements WorkloadSection {
    }

    /** A recorded trace. */
    record Trace(Double weight, String path, String format, String timeUnit, Fields fields, Boolean header,
                 String delimiter, Duration reorderWindow, Boolean skipBadLines, Double speedUp, Amplify amplify)
            implements WorkloadSection {
        /** Where each part of a record is: column or field names (numbers without a header). */
        public record Fields(String time, String device, String type, String size, String serviceDemand) {
        }

        /** Fleet amplification: {@code copies} of each device, each shifted by up to {@code max-shift}. */
        public record Amplify(Long copies, Duration maxShift) {
        }
    }
}
