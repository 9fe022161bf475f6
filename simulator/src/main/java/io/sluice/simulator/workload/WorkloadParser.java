package io.sluice.simulator.workload;

import io.sluice.algorithms.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads the {@code workload:} section of a scenario into a {@link WorkloadSpec}; see {@link Workloads}. */
final class WorkloadParser {
    static final List<String> KINDS = List.of("poisson", "periodic", "diurnal", "mmpp", "synchronised-access",
            "reconnect-storm", "mixture", "trace");

    private static final long HOUR = 3_600_000_000_000L;
    private static final long MAX_DURATION = 366L * 24 * HOUR;
    private static final int MAX_DEVICES = 50_000_000;

    private final TraceLocator locator;
    /** One dictionary for the whole workload: every source's type words share its ids. */
    private final MessageTypes types = new MessageTypes();

    WorkloadParser(TraceLocator locator) {
        this.locator = locator;
    }

    /** A parsed source and the weight it asked for (NaN when it set none). */
    private record Parsed(WorkloadSpec spec, double weight) {
    }

    WorkloadSpec parse(YamlSection s) {
        return new ParsedWorkload(source(s, "dev-", false).spec(), types);
    }

    private static final List<String> MARKS = List.of("device-prefix", "type", "size", "service-demand");

    /** The fields each kind allows, besides {@code kind} and {@code weight}. */
    static List<String> fieldsOf(String kind) {
        List<String> own = switch (kind) {
            case "poisson" -> List.of("rate", "devices");
            case "periodic" -> List.of("devices", "period", "jitter", "phases");
            case "diurnal" -> List.of("source", "period", "amplitude", "peak-at");
            case "mmpp" -> List.of("on", "off", "devices");
            case "synchronised-access" -> List.of("devices", "window", "distribution", "at", "every");
            case "reconnect-storm" -> List.of("devices", "at", "outage", "base", "cap", "multiplier", "jitter",
                    "failure-probability", "max-attempts");
            case "mixture" -> List.of("rate", "sources");
            case "trace" -> List.of("path", "format", "time-unit", "fields", "header", "delimiter", "reorder-window",
                    "skip-bad-lines", "speed-up", "amplify");
            default -> throw new IllegalArgumentException(kind);
        };
        List<String> all = new ArrayList<>(List.of("kind", "weight"));
        all.addAll(own);
        if (!kind.equals("diurnal") && !kind.equals("mixture") && !kind.equals("trace")) {
            all.addAll(MARKS);
        }
        return all;
    }

    private Parsed source(YamlSection s, String defaultPrefix, boolean inMixture) {
        String kind = s.requiredText("kind", "one of " + String.join(", ", KINDS)).trim().toLowerCase(Locale.ROOT);
        if (kind.equals("synchronized-access")) {
            kind = "synchronised-access";
        }
        if (!KINDS.contains(kind)) {
            throw s.error("kind", "'" + s.requiredText("kind", "") + "' is not a workload kind; valid kinds: "
                    + String.join(", ", KINDS));
        }
        s.allow("kind " + kind, fieldsOf(kind));
        double weight = Double.NaN;
        if (s.has("weight")) {
            if (!inMixture) {
                throw s.error("weight", "only a mixture's sources take a weight");
            }
            weight = s.number("weight", Double.NaN, Double.MIN_VALUE, Double.MAX_VALUE);
        }
        WorkloadSpec spec = switch (kind) {
            case "poisson" -> poisson(s, defaultPrefix);
            case "periodic" -> periodic(s, defaultPrefix);
            case "diurnal" -> diurnal(s, defaultPrefix);
            case "mmpp" -> mmpp(s, defaultPrefix);
            case "synchronised-access" -> synchronisedAccess(s, defaultPrefix);
            case "reconnect-storm" -> storm(s, defaultPrefix);
            case "mixture" -> mixture(s, defaultPrefix);
            case "trace" -> trace(s);
            default -> throw new IllegalStateException(kind);
        };
        return new Parsed(spec, weight);
    }

    private static String prefix(YamlSection s, String dflt) {
        return s.text("device-prefix", dflt);
    }

    private static int devices(YamlSection s, Long dflt) {
        return (int) s.integer("devices", dflt, 1, MAX_DEVICES);
    }

    private ArrivalMarks marks(YamlSection s) {
        int type = MessageTypes.UNKNOWN;
        if (s.has("type")) {
            String text = s.messageType("type");
            try {
                type = types.idOf(text);
            } catch (IllegalArgumentException e) {
                throw s.error("type", e.getMessage());
            }
        }
        int size = (int) s.integer("size", -1L, 0, Integer.MAX_VALUE);
        double demand = s.has("service-demand") ? s.number("service-demand", Double.NaN, 0, 1e9) : Double.NaN;
        if (s.has("type") || s.has("size") || s.has("service-demand")) {
            return new ArrivalMarks(type, types.nameOf(type), size, demand);
        }
        return ArrivalMarks.NONE;
    }

    private WorkloadSpec poisson(YamlSection s, String defaultPrefix) {
        return new PoissonWorkload(s.rate("rate", Double.NaN), prefix(s, defaultPrefix), devices(s, 1000L), marks(s));
    }

    private WorkloadSpec periodic(YamlSection s, String defaultPrefix) {
        int devices = devices(s, null);
        long period = s.duration("period", null, 1, MAX_DURATION);
        long jitter = s.duration("jitter", 0L, 0, MAX_DURATION);
        if (jitter > period) {
            throw s.error("jitter", "'" + Durations.format(jitter) + "' is longer than the period "
                    + Durations.format(period) + "; jitter must be from 0 to the period");
        }
        String phases = s.choice("phases", "spread", List.of("spread", "aligned", "random"));
        return new PeriodicFleetWorkload(devices, period, jitter,
                PeriodicFleetWorkload.Phases.valueOf(phases.toUpperCase(Locale.ROOT)), prefix(s, defaultPrefix),
                marks(s));
    }

    private WorkloadSpec diurnal(YamlSection s, String defaultPrefix) {
        long period = s.duration("period", 24 * HOUR, 1, MAX_DURATION);
        double amplitude = s.number("amplitude", Double.NaN, 0, 1);
        long peak = s.duration("peak-at", 0L, 0, period - 1);
        Parsed inner = source(s.section("source"), defaultPrefix, false);
        return new DiurnalWorkload(inner.spec(), period, amplitude, peak);
    }

    private static final List<String> STATE = List.of("rate", "mean-sojourn");

    private WorkloadSpec mmpp(YamlSection s, String defaultPrefix) {
        YamlSection on = s.section("on").allow("an mmpp state", STATE);
        double onRate = on.rate("rate", Double.NaN);
        long onMean = on.duration("mean-sojourn", null, 1, MAX_DURATION);
        YamlSection off = s.section("off").allow("an mmpp state", STATE);
        double offRate = off.rate("rate", Double.NaN, true);
        long offMean = off.duration("mean-sojourn", null, 1, MAX_DURATION);
        return new OnOffWorkload(onRate, onMean, offRate, offMean, prefix(s, defaultPrefix), devices(s, 1000L),
                marks(s));
    }

    private WorkloadSpec synchronisedAccess(YamlSection s, String defaultPrefix) {
        int devices = devices(s, null);
        long window = s.duration("window", 10_000_000_000L, 1, MAX_DURATION);
        String shape = s.choice("distribution", "beta", List.of("beta", "uniform"));
        long at = s.duration("at", 0L, 0, MAX_DURATION);
        long every = s.duration("every", 0L, 0, MAX_DURATION);
        if (every != 0 && every < window) {
            throw s.error("every", "'" + Durations.format(every)
                    + "' is shorter than the window " + Durations.format(window)
                    + "; bursts may not overlap: every must be at least the window (or absent for one burst)");
        }
        return new SynchronisedAccessWorkload(devices, window,
                SynchronisedAccessWorkload.Shape.valueOf(shape.toUpperCase(Locale.ROOT)), at, every,
                prefix(s, defaultPrefix), marks(s));
    }

    private WorkloadSpec storm(YamlSection s, String defaultPrefix) {
        int devices = devices(s, null);
        long at = s.duration("at", 0L, 0, MAX_DURATION);
        long outage = s.duration("outage", 0L, 0, MAX_DURATION);
        long base = s.duration("base", 1_000_000_000L, 1, MAX_DURATION);
        long cap = s.duration("cap", Math.max(base, 60_000_000_000L), 1, MAX_DURATION);
        if (cap < base) {
            throw s.error("cap", "'" + Durations.format(cap) + "' is below base "
                    + Durations.format(base) + "; cap must be at least base");
        }
        double multiplier = s.number("multiplier", 2.0, 1, 100);
        String jitter = s.choice("jitter", "full", List.of("full", "equal", "none"));
        double failure = s.number("failure-probability", 0, 0, 1);
        if (failure >= 1) {
            throw s.error("failure-probability", "1 would retry forever; a probability from 0 to below 1");
        }
        int maxAttempts = (int) s.integer("max-attempts", 0L, 0, 1_000_000);
        return new ReconnectStormWorkload(devices, at, outage, base, cap, multiplier,
                ReconnectStormWorkload.Jitter.valueOf(jitter.toUpperCase(Locale.ROOT)), failure, maxAttempts,
                prefix(s, defaultPrefix), marks(s));
    }

    private WorkloadSpec mixture(YamlSection s, String defaultPrefix) {
        double total = s.has("rate") ? s.rate("rate", Double.NaN) : Double.NaN;
        List<YamlSection> items = s.sections("sources", "a list of workload sources, each with its kind");
        List<Parsed> parsed = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            parsed.add(source(items.get(i), "s" + i + "-" + defaultPrefix, true));
        }
        if (Double.isNaN(total)) {
            for (int i = 0; i < parsed.size(); i++) {
                if (!Double.isNaN(parsed.get(i).weight())) {
                    throw new WorkloadException(items.get(i).path("weight")
                            + ": a weight needs the mixture's total rate; set " + s.path("rate")
                            + " or drop the weights and let each source keep its own rate");
                }
            }
            return new MixtureWorkload(parsed.stream().map(Parsed::spec).toList());
        }
        double weights = 0;
        for (int i = 0; i < parsed.size(); i++) {
            Parsed p = parsed.get(i);
            if (Double.isNaN(p.weight())) {
                throw new WorkloadException(items.get(i).path("weight") + ": required, since the mixture sets a"
                        + " total rate; a number > 0 (the source's share is weight / sum of weights)");
            }
            double mean = p.spec().meanRatePerSecond();
            if (!(mean > 0)) {
                throw new WorkloadException(items.get(i).path() + ": a weighted source needs a known mean rate, and "
                        + p.spec().describe() + " has none (traces, single synchronised-access bursts and"
                        + " reconnect storms have none); drop the mixture's rate and weights");
            }
            weights += p.weight();
        }
        List<WorkloadSpec> scaled = new ArrayList<>();
        for (Parsed p : parsed) {
            double factor = total * (p.weight() / weights) / p.spec().meanRatePerSecond();
            scaled.add(factor == 1 ? p.spec() : new TimeScaledWorkload(p.spec(), factor));
        }
        return new MixtureWorkload(scaled);
    }

    private WorkloadSpec trace(YamlSection s) {
        TraceSource source = locator.resolve(s.requiredText("path",
                "a file path or classpath:<resource>"), s.path("path"));
        String name = source.fileName().toLowerCase(Locale.ROOT);
        String bare = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
        String detected = bare.endsWith(".csv") || bare.endsWith(".tsv") ? "csv"
                : bare.endsWith(".jsonl") || bare.endsWith(".ndjson") || bare.endsWith(".json") ? "jsonl" : null;
        List<String> formats = List.of("csv", "jsonl", "campusiot", "sluice-access-log");
        if (detected == null && !s.has("format")) {
            throw s.error("format", "required: cannot tell the format of '" + source.fileName()
                    + "' from its name; one of " + String.join(", ", formats));
        }
        TraceWorkload.Format format = TraceWorkload.Format.valueOf(
                s.choice("format", detected, formats).toUpperCase(Locale.ROOT).replace('-', '_'));
        boolean accessLog = format == TraceWorkload.Format.SLUICE_ACCESS_LOG;
        for (String fixed : List.of("time-unit", "fields")) {
            if (s.has(fixed) && accessLog) {
                throw s.error(fixed, "not for a sluice-access-log trace: its fields and time unit are the proxy's own"
                        + " (start_us, affinity_key, upstream_ttfb_ms)");
            }
        }
        boolean csv = format == TraceWorkload.Format.CSV;
        for (String csvOnly : List.of("delimiter", "header")) {
            if (s.has(csvOnly) && !csv) {
                throw s.error(csvOnly, "only for csv traces; this one is " + format.name().toLowerCase(Locale.ROOT));
            }
        }
        boolean header = s.bool("header", true);
        char delimiter = bare.endsWith(".tsv") ? '\t' : ',';
        if (s.has("delimiter")) {
            String d = s.requiredText("delimiter", "one character").replace("\\t", "\t");
            if (d.length() != 1 || d.charAt(0) == '"' || d.charAt(0) == '\n' || d.charAt(0) == '\r') {
                throw s.error("delimiter", "'" + d + "' is not allowed; one character other than a quote or a line"
                        + " break, like , or ; or \\t");
            }
            delimiter = d.charAt(0);
        }
        String unitText = s.choice("time-unit", format == TraceWorkload.Format.CAMPUSIOT ? "epoch-ms"
                : accessLog ? "epoch-us" : null, TraceTimeUnit.yamlNames());
        TraceTimeUnit unit = TraceTimeUnit.ofYaml(unitText);
        TraceFields fields = fields(s, format == TraceWorkload.Format.CAMPUSIOT ? TraceFields.campusIot()
                : csv && !header ? TraceFields.headerless() : TraceFields.defaults(), csv && !header);
        // An access log is written as requests end: starts come out of order by up to the longest request.
        long window = s.duration("reorder-window", accessLog ? 60_000_000_000L : 0L, 0, MAX_DURATION);
        boolean skip = s.bool("skip-bad-lines", false);
        double speedUp = s.number("speed-up", 1, 1e-6, 1e12);
        int copies = 0;
        long maxShift = 0;
        if (s.has("amplify")) {
            YamlSection a = s.section("amplify").allow("amplify", List.of("copies", "max-shift"));
            copies = (int) a.integer("copies", null, 1, 1_000_000);
            maxShift = a.duration("max-shift", null, 0, MAX_DURATION);
        }
        return new TraceWorkload(source, format, fields, unit, delimiter, header, window, skip, speedUp, copies,
                maxShift, types);
    }

    private static TraceFields fields(YamlSection s, TraceFields dflt, boolean numbered) {
        if (!s.has("fields")) {
            return dflt;
        }
        YamlSection f = s.section("fields").allow("trace fields",
                List.of("time", "device", "type", "size", "service-demand"));
        String time = field(f, "time", dflt.time(), numbered);
        String device = field(f, "device", dflt.device(), numbered);
        String type = field(f, "type", dflt.type(), numbered);
        String size = field(f, "size", dflt.size(), numbered);
        String demand = field(f, "service-demand", dflt.serviceDemand(), numbered);
        return new TraceFields(time, device, type, size, demand, f.has("type"), f.has("size"),
                f.has("service-demand"));
    }

    private static String field(YamlSection f, String key, String dflt, boolean numbered) {
        if (!f.has(key)) {
            return dflt;
        }
        String name = f.requiredText(key, numbered ? "a 0-based column number" : "a column or field name").trim();
        if (name.isEmpty()) {
            throw f.error(key, "empty; " + (numbered ? "a 0-based column number" : "a column or field name"));
        }
        if (numbered) {
            try {
                if (Integer.parseInt(name) >= 0) {
                    return name;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw f.error(key, "'" + name + "' is not a column number; with header: false, name columns by"
                    + " 0-based number");
        }
        return name;
    }
}
