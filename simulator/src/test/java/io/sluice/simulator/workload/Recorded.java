package io.sluice.simulator.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One arrival copied out of the reused {@link Arrival}, plus the test-side plumbing to get them. */
record Recorded(long time, String device, long hash, int type, int size, double demand) {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Recorded of(Arrival a) {
        return new Recorded(a.timeNanos, a.deviceId, a.keyHash, a.type, a.sizeBytes, a.serviceDemand);
    }

    /** Every arrival up to the horizon (inclusive). */
    static List<Recorded> all(WorkloadSpec spec, long seed, long horizonNanos) {
        List<Recorded> out = new ArrayList<>();
        try (ArrivalStream s = spec.open(seed, horizonNanos)) {
            Arrival a = new Arrival();
            while (s.next(a)) {
                out.add(of(a));
            }
        }
        return out;
    }

    /** The first {@code n} arrivals (fewer if the stream ends). */
    static List<Recorded> first(WorkloadSpec spec, long seed, int n) {
        List<Recorded> out = new ArrayList<>();
        try (ArrivalStream s = spec.open(seed, Long.MAX_VALUE)) {
            Arrival a = new Arrival();
            while (out.size() < n && s.next(a)) {
                out.add(of(a));
            }
        }
        return out;
    }

    static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The test resources folder, so relative trace paths resolve against it. */
    static Path resources() {
        try {
            return Path.of(Recorded.class.getResource("/traces/fleet.csv").toURI()).getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a workload section written as YAML, relative trace paths resolving against the test resources. */
    static WorkloadSpec parse(String sectionYaml) {
        return Workloads.parse(yaml(sectionYaml), "workload", new TraceLocator(resources()));
    }

    static final long SECOND = 1_000_000_000L;
    static final long MS = 1_000_000L;
}
