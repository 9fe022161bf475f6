package io.sluice.simulator.workload;

/** One parsed trace line: what an arrival needs, plus where it came from. */
final class TraceRecord {
    /** Nanoseconds in the trace's own unit and origin, then (after ordering) from the replay origin. */
    long timeNanos;
    String device;
    int type = -1;
    int sizeBytes = -1;
    double serviceDemand = Double.NaN;
    /** Observed service time in nanoseconds, or -1 (see {@link Arrival#serviceNanos}). */
    long serviceNanos = -1;
    /** 1-based line number in the file: names bad lines and breaks ties between equal times. */
    long line;
}
