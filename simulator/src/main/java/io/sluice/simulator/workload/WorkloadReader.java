package io.sluice.simulator.workload;

import io.sluice.algorithms.Durations;
import io.sluice.algorithms.Range;
import io.sluice.config.Problems;
import io.sluice.config.Rate;
import io.sluice.config.scenario.WorkloadSection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The validation pass of a scenario's {@code workload:} section: the bound section records (one per
 * kind, {@link WorkloadSection}) to a {@link WorkloadSpec}, every problem recorded at its path.
 */
final class WorkloadReader {
    static final List<String> KINDS = List.of("poisson", "periodic", "diurnal", "mmpp", "synchronised-access",
            "reconnect-storm", "mixture", "trace");

    private static final long HOUR = 3_600_000_000_000L;
    private static final long MAX_DURATION = 366L * 24 * HOUR;
    private static final Range DEVICES = Range.wholeNumber(1, 50_000_000);
    private static final Range ANY_DURATION = Range.duration(0, MAX_DURATION);
    private static final Range POSITIVE_DURATION = Range.duration(1, MAX_DURATION);
    private static final Range MARK = Range.wholeNumber(0, Integer.MAX_VALUE);
    private static final Range DEMAND = Range.number(0, 1e9);
    private static final Range AMPLITUDE = Range.number(0, 1);
    private static final Range MULTIPLIER = Range.number(1, 100);
    private static final Range PROBABILITY = Range.number(0, 1);
    private static final Range MAX_ATTEMPTS = Range.wholeNumber(0, 1_000_000);
    private static final Range SPEED_UP = Range.number(1e-6, 1e12);
    private static final Range COPIES = Range.wholeNumber(1, 1_000_000);
    private static final Range WEIGHT = Range.numberAbove(0, Double.MAX_VALUE);

    private final Problems problems;
    private final TraceLocator locator;
    private final boolean skipBadLines;
    /** One dictionary for the whole workload: every source's type words share its ids. */
    private final MessageTypes types = new MessageTypes();

    WorkloadReader(Problems problems, TraceLocator locator, boolean skipBadLines) {
        this.problems = problems;
        this.locator = locator;
        this.skipBadLines = skipBadLines;
    }

    /** The workload at {@code path}, or null after recording its problems. */
    WorkloadSpec read(String path, WorkloadSection s) {
        if (s == null) {
            problems.required(path, null, "a workload with a kind, one of " + String.join(", ", KINDS)
                    + " (see scenarios/workloads-example.yaml)");
            return null;
        }
        if (s.weight() != null || problems.isBad(Problems.join(path, "weight"))) {
            problems.error(Problems.join(path, "weight"), "only a mixture's sources take a weight");
        }
        WorkloadSpec spec = source(path, s, "dev-");
        return spec == null ? null : new ParsedWorkload(spec, types);
    }

    private WorkloadSpec source(String path, WorkloadSection s, String defaultPrefix) {
        int before = problems.errors().size();
        try {
            WorkloadSpec spec = build(path, s, defaultPrefix);
            return problems.errors().size() > before ? null : spec;
        } catch (IllegalArgumentException e) {
            // A combination the workload itself refuses; a problem of one of its values is reported already.
            if (problems.errors().size() == before) {
                problems.error(path, e.getMessage());
            }
            return null;
        }
    }

    private WorkloadSpec build(String path, WorkloadSection s, String defaultPrefix) {
        WorkloadSpec spec;
        if (s instanceof WorkloadSection.Poisson p) {
            spec = poisson(path, p, defaultPrefix);
        } else if (s instanceof WorkloadSection.Periodic p) {
            spec = periodic(path, p, defaultPrefix);
        } else if (s instanceof WorkloadSection.Diurnal d) {
            spec = diurnal(path, d, defaultPrefix);
        } else if (s instanceof WorkloadSection.Mmpp m) {
            spec = mmpp(path, m, defaultPrefix);
        } else if (s instanceof WorkloadSection.SynchronisedAccess a) {
            spec = synchronisedAccess(path, a, defaultPrefix);
        } else if (s instanceof WorkloadSection.ReconnectStorm r) {
            spec = storm(path, r, defaultPrefix);
        } else if (s instanceof WorkloadSection.Mixture m) {
            spec = mixture(path, m, defaultPrefix);
        } else {
            spec = trace(path, (WorkloadSection.Trace) s);
        }
        return spec;
    }

    private double rate(String path, Rate r, boolean zeroAllowed, boolean required) {
        String allowed = "a rate " + (zeroAllowed ? ">= 0 " : "> 0 ") + Rate.FORM;
        Rate v = problems.value(path, r, required ? null : new Rate(Double.NaN), allowed);
        if (v == null) {
            return Double.NaN;
        }
        double x = v.perSecond();
        if (r != null && !(x > 0 || zeroAllowed && x == 0)) {
            problems.error(path, problems.written(path) + " is not allowed; " + allowed);
            return Double.NaN;
        }
        return x;
    }

    private long duration(String path, Duration d, Range range, Long dflt) {
        Long v = problems.duration(path, d, range, dflt);
        return v == null ? 0 : v;
    }

    private int devices(String path, Long n, Long dflt) {
        Long v = problems.wholeNumber(Problems.join(path, "devices"), n, DEVICES, dflt);
        return v == null ? 1 : (int) (long) v;
    }

    private String prefix(String given, String dflt) {
        return given == null ? dflt : given;
    }

    private ArrivalMarks marks(String path, String type, Long size, Double demand) {
        int typeId = MessageTypes.UNKNOWN;
        String tp = Problems.join(path, "type");
        if (type != null) {
            String allowed = "a whole number from 0 to " + Integer.MAX_VALUE + " or a word, like 5 or alarm";
            String t = type.trim();
            boolean number = t.matches("[-+]?[0-9][0-9_]*(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
            boolean inRange = t.matches("[0-9]{1,10}") && Long.parseLong(t) <= Integer.MAX_VALUE;
            if (number && !inRange) {
                problems.error(tp, problems.written(tp) + " is out of range; " + allowed);
            } else {
                try {
                    typeId = types.idOf(t);
                } catch (IllegalArgumentException e) {
                    problems.error(tp, e.getMessage());
                }
            }
        } else {
            problems.value(tp, null, "", "a whole number from 0 to " + Integer.MAX_VALUE + " or a word");
        }
        Long z = problems.wholeNumber(Problems.join(path, "size"), size, MARK, -1L);
        Double d = problems.number(Problems.join(path, "service-demand"), demand, DEMAND, Double.NaN);
        if (type == null && size == null && demand == null) {
            return ArrivalMarks.NONE;
        }
        return new ArrivalMarks(typeId, types.nameOf(typeId), (int) (long) (z == null ? -1 : z),
                d == null ? Double.NaN : d);
    }

    private WorkloadSpec poisson(String path, WorkloadSection.Poisson p, String defaultPrefix) {
        return new PoissonWorkload(rate(Problems.join(path, "rate"), p.rate(), false, true),
                prefix(p.devicePrefix(), defaultPrefix), devices(path, p.devices(), 1000L),
                marks(path, p.type(), p.size(), p.serviceDemand()));
    }

    private WorkloadSpec periodic(String path, WorkloadSection.Periodic p, String defaultPrefix) {
        int devices = devices(path, p.devices(), null);
        long period = duration(Problems.join(path, "period"), p.period(), POSITIVE_DURATION, null);
        String jp = Problems.join(path, "jitter");
        long jitter = duration(jp, p.jitter(), ANY_DURATION, 0L);
        if (period > 0 && jitter > period) {
            problems.error(jp, "'" + Durations.format(jitter) + "' is longer than the period " + Durations.format(period)
                    + "; jitter must be from 0 to the period");
        }
        String phases = problems.choice(Problems.join(path, "phases"), p.phases(), List.of("spread", "aligned",
                "random"), "spread");
        return new PeriodicFleetWorkload(devices, Math.max(1, period), jitter,
                PeriodicFleetWorkload.Phases.valueOf((phases == null ? "spread" : phases).toUpperCase(Locale.ROOT)),
                prefix(p.devicePrefix(), defaultPrefix), marks(path, p.type(), p.size(), p.serviceDemand()));
    }

    private WorkloadSpec diurnal(String path, WorkloadSection.Diurnal d, String defaultPrefix) {
        long period = duration(Problems.join(path, "period"), d.period(), POSITIVE_DURATION, 24 * HOUR);
        Double amplitude = problems.number(Problems.join(path, "amplitude"), d.amplitude(), AMPLITUDE, null);
        String pp = Problems.join(path, "peak-at");
        long peak = duration(pp, d.peakAt(), ANY_DURATION, 0L);
        if (peak >= period && d.peakAt() != null) {
            problems.error(pp, "'" + Durations.format(peak) + "' is not within the period " + Durations.format(period)
                    + "; peak-at must be from 0s to below the period");
        }
        String sp = Problems.join(path, "source");
        WorkloadSpec inner = d.source() == null ? problems.required(sp, null, "any workload, with its kind") : null;
        if (d.source() != null) {
            if (d.source().weight() != null) {
                problems.error(Problems.join(sp, "weight"), "only a mixture's sources take a weight");
            }
            inner = source(sp, d.source(), defaultPrefix);
        }
        if (inner == null || amplitude == null) {
            return null;
        }
        return new DiurnalWorkload(inner, period, amplitude, peak);
    }

    private WorkloadSpec mmpp(String path, WorkloadSection.Mmpp m, String defaultPrefix) {
        String on = Problems.join(path, "on");
        String off = Problems.join(path, "off");
        String what = "an mmpp state: {rate, mean-sojourn}";
        WorkloadSection.Mmpp.State onState = problems.required(on, m.on(), what);
        WorkloadSection.Mmpp.State offState = problems.required(off, m.off(), what);
        if (onState == null || offState == null) {
            return null;
        }
        double onRate = rate(Problems.join(on, "rate"), onState.rate(), false, true);
        long onMean = duration(Problems.join(on, "mean-sojourn"), onState.meanSojourn(), POSITIVE_DURATION, null);
        double offRate = rate(Problems.join(off, "rate"), offState.rate(), true, true);
        long offMean = duration(Problems.join(off, "mean-sojourn"), offState.meanSojourn(), POSITIVE_DURATION, null);
        return new OnOffWorkload(onRate, Math.max(1, onMean), offRate, Math.max(1, offMean),
                prefix(m.devicePrefix(), defaultPrefix), devices(path, m.devices(), 1000L),
                marks(path, m.type(), m.size(), m.serviceDemand()));
    }

    private WorkloadSpec synchronisedAccess(String path, WorkloadSection.SynchronisedAccess a, String defaultPrefix) {
        int devices = devices(path, a.devices(), null);
        long window = duration(Problems.join(path, "window"), a.window(), POSITIVE_DURATION, 10_000_000_000L);
        String shape = problems.choice(Problems.join(path, "distribution"), a.distribution(), List.of("beta",
                "uniform"), "beta");
        long at = duration(Problems.join(path, "at"), a.at(), ANY_DURATION, 0L);
        String ep = Problems.join(path, "every");
        long every = duration(ep, a.every(), ANY_DURATION, 0L);
        if (every != 0 && every < window) {
            problems.error(ep, "'" + Durations.format(every) + "' is shorter than the window " + Durations.format(window)
                    + "; bursts may not overlap: every must be at least the window (or absent for one burst)");
        }
        return new SynchronisedAccessWorkload(devices, Math.max(1, window),
                SynchronisedAccessWorkload.Shape.valueOf((shape == null ? "beta" : shape).toUpperCase(Locale.ROOT)),
                at, every, prefix(a.devicePrefix(), defaultPrefix), marks(path, a.type(), a.size(), a.serviceDemand()));
    }

    private WorkloadSpec storm(String path, WorkloadSection.ReconnectStorm r, String defaultPrefix) {
        int devices = devices(path, r.devices(), null);
        long at = duration(Problems.join(path, "at"), r.at(), ANY_DURATION, 0L);
        long outage = duration(Problems.join(path, "outage"), r.outage(), ANY_DURATION, 0L);
        long base = duration(Problems.join(path, "base"), r.base(), POSITIVE_DURATION, 1_000_000_000L);
        String cp = Problems.join(path, "cap");
        long cap = duration(cp, r.cap(), POSITIVE_DURATION, Math.max(base, 60_000_000_000L));
        if (cap < base) {
            problems.error(cp, "'" + Durations.format(cap) + "' is below base " + Durations.format(base)
                    + "; cap must be at least base");
        }
        Double multiplier = problems.number(Problems.join(path, "multiplier"), r.multiplier(), MULTIPLIER, 2.0);
        String jitter = problems.choice(Problems.join(path, "jitter"), r.jitter(), List.of("full", "equal", "none"),
                "full");
        String fp = Problems.join(path, "failure-probability");
        Double failure = problems.number(fp, r.failureProbability(), PROBABILITY, 0.0);
        if (failure != null && failure >= 1) {
            problems.error(fp, "1 would retry forever; a probability from 0 to below 1");
        }
        Long maxAttempts = problems.wholeNumber(Problems.join(path, "max-attempts"), r.maxAttempts(), MAX_ATTEMPTS,
                0L);
        return new ReconnectStormWorkload(devices, at, outage, Math.max(1, base), Math.max(1, cap),
                multiplier == null ? 2 : multiplier,
                ReconnectStormWorkload.Jitter.valueOf((jitter == null ? "full" : jitter).toUpperCase(Locale.ROOT)),
                failure == null || failure >= 1 ? 0 : failure, (int) (long) (maxAttempts == null ? 0 : maxAttempts),
                prefix(r.devicePrefix(), defaultPrefix), marks(path, r.type(), r.size(), r.serviceDemand()));
    }

    private WorkloadSpec mixture(String path, WorkloadSection.Mixture m, String defaultPrefix) {
        String rp = Problems.join(path, "rate");
        double total = m.rate() == null && !problems.isBad(rp) ? Double.NaN : rate(rp, m.rate(), false, true);
        String sp = Problems.join(path, "sources");
        String what = "a list of workload sources, each with its kind";
        List<WorkloadSection> sources = problems.required(sp, m.sources(), what);
        if (sources == null) {
            return null;
        }
        if (sources.isEmpty()) {
            problems.error(sp, "expected a non-empty list, got []; " + what);
            return null;
        }
        List<WorkloadSpec> parsed = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            String at = Problems.index(sp, i);
            WorkloadSection s = sources.get(i);
            if (s == null) {
                continue;
            }
            Double w = s.weight() == null ? null
                    : problems.number(Problems.join(at, "weight"), s.weight(), WEIGHT, null);
            parsed.add(source(at, s, "s" + i + "-" + defaultPrefix));
            weights.add(w);
        }
        if (parsed.contains(null) || parsed.size() != sources.size()) {
            return null;
        }
        if (Double.isNaN(total)) {
            for (int i = 0; i < parsed.size(); i++) {
                if (weights.get(i) != null) {
                    problems.error(Problems.join(Problems.index(sp, i), "weight"), "a weight needs the mixture's total"
                            + " rate; set " + rp + " or drop the weights and let each source keep its own rate");
                    return null;
                }
            }
            return new MixtureWorkload(parsed);
        }
        double sum = 0;
        for (int i = 0; i < parsed.size(); i++) {
            String at = Problems.index(sp, i);
            if (weights.get(i) == null) {
                problems.error(Problems.join(at, "weight"), "required, since the mixture sets a total rate; a number"
                        + " > 0 (the source's share is weight / sum of weights)");
                return null;
            }
            double mean = parsed.get(i).meanRatePerSecond();
            if (!(mean > 0)) {
                problems.error(at, "a weighted source needs a known mean rate, and " + parsed.get(i).describe()
                        + " has none (traces, single synchronised-access bursts and reconnect storms have none); drop"
                        + " the mixture's rate and weights");
                return null;
            }
            sum += weights.get(i);
        }
        List<WorkloadSpec> scaled = new ArrayList<>();
        for (int i = 0; i < parsed.size(); i++) {
            WorkloadSpec p = parsed.get(i);
            double factor = total * (weights.get(i) / sum) / p.meanRatePerSecond();
            scaled.add(factor == 1 ? p : new TimeScaledWorkload(p, factor));
        }
        return new MixtureWorkload(scaled);
    }

    private WorkloadSpec trace(String path, WorkloadSection.Trace t) {
        String pp = Problems.join(path, "path");
        String text = problems.text(pp, t.path(), null, "a file path or classpath:<resource>");
        if (text == null) {
            return null;
        }
        TraceSource source;
        try {
            source = locator.resolve(text, pp);
        } catch (WorkloadException e) {
            String m = e.getMessage();
            problems.error(pp, m.startsWith(pp + ": ") ? m.substring(pp.length() + 2) : m);
            return null;
        }
        String name = source.fileName().toLowerCase(Locale.ROOT);
        String bare = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
        String detected = bare.endsWith(".csv") || bare.endsWith(".tsv") ? "csv"
                : bare.endsWith(".jsonl") || bare.endsWith(".ndjson") || bare.endsWith(".json") ? "jsonl" : null;
        List<String> formats = List.of("csv", "jsonl", "campusiot", "sluice-access-log");
        String fp = Problems.join(path, "format");
        if (detected == null && t.format() == null && !problems.isBad(fp)) {
            problems.error(fp, "required: cannot tell the format of '" + source.fileName() + "' from its name; one of "
                    + String.join(", ", formats));
            return null;
        }
        String formatName = problems.choice(fp, t.format(), formats, detected);
        if (formatName == null) {
            return null;
        }
        TraceWorkload.Format format = TraceWorkload.Format.valueOf(formatName.toUpperCase(Locale.ROOT).replace('-', '_'));
        boolean accessLog = format == TraceWorkload.Format.SLUICE_ACCESS_LOG;
        if (accessLog) {
            for (String fixed : List.of("time-unit", "fields")) {
                if (fixed.equals("time-unit") ? t.timeUnit() != null : t.fields() != null) {
                    problems.error(Problems.join(path, fixed), "not for a sluice-access-log trace: its fields and time"
                            + " unit are the proxy's own (start_us, affinity_key, upstream_ttfb_ms)");
                }
            }
        }
        boolean csv = format == TraceWorkload.Format.CSV;
        if (t.delimiter() != null && !csv) {
            problems.error(Problems.join(path, "delimiter"), "only for csv traces; this one is " + formatName);
        }
        if (t.header() != null && !csv) {
            problems.error(Problems.join(path, "header"), "only for csv traces; this one is " + formatName);
        }
        boolean header = problems.bool(Problems.join(path, "header"), t.header(), true);
        char delimiter = bare.endsWith(".tsv") ? '\t' : ',';
        if (t.delimiter() != null) {
            String d = t.delimiter().replace("\\t", "\t");
            if (d.length() != 1 || d.charAt(0) == '"' || d.charAt(0) == '\n' || d.charAt(0) == '\r') {
                problems.error(Problems.join(path, "delimiter"), "'" + d + "' is not allowed; one character other than"
                        + " a quote or a line break, like , or ; or \\t");
            } else {
                delimiter = d.charAt(0);
            }
        }
        String unitText = problems.choice(Problems.join(path, "time-unit"), accessLog ? null : t.timeUnit(),
                TraceTimeUnit.yamlNames(), format == TraceWorkload.Format.CAMPUSIOT ? "epoch-ms"
                        : accessLog ? "epoch-us" : null);
        TraceFields fields = fields(Problems.join(path, "fields"), accessLog ? null : t.fields(),
                format == TraceWorkload.Format.CAMPUSIOT ? TraceFields.campusIot()
                        : csv && !header ? TraceFields.headerless() : TraceFields.defaults(), csv && !header);
        // An access log is written as requests end: starts come out of order by up to the longest request.
        long window = duration(Problems.join(path, "reorder-window"), t.reorderWindow(), ANY_DURATION,
                accessLog ? 60_000_000_000L : 0L);
        boolean skip = skipBadLines || problems.bool(Problems.join(path, "skip-bad-lines"), t.skipBadLines(), false);
        Double speedUp = problems.number(Problems.join(path, "speed-up"), t.speedUp(), SPEED_UP, 1.0);
        int copies = 0;
        long maxShift = 0;
        if (t.amplify() != null) {
            String ap = Problems.join(path, "amplify");
            Long c = problems.wholeNumber(Problems.join(ap, "copies"), t.amplify().copies(), COPIES, null);
            maxShift = duration(Problems.join(ap, "max-shift"), t.amplify().maxShift(), ANY_DURATION, null);
            copies = c == null ? 0 : (int) (long) c;
        }
        if (unitText == null || fields == null || speedUp == null) {
            return null;
        }
        return new TraceWorkload(source, format, fields, TraceTimeUnit.ofYaml(unitText), delimiter, header, window,
                skip, speedUp, copies, maxShift, types);
    }

    private TraceFields fields(String path, WorkloadSection.Trace.Fields f, TraceFields dflt, boolean numbered) {
        if (f == null) {
            return dflt;
        }
        String time = field(Problems.join(path, "time"), f.time(), dflt.time(), numbered);
        String device = field(Problems.join(path, "device"), f.device(), dflt.device(), numbered);
        String type = field(Problems.join(path, "type"), f.type(), dflt.type(), numbered);
        String size = field(Problems.join(path, "size"), f.size(), dflt.size(), numbered);
        String demand = field(Problems.join(path, "service-demand"), f.serviceDemand(), dflt.serviceDemand(), numbered);
        return new TraceFields(time, device, type, size, demand, f.type() != null, f.size() != null,
                f.serviceDemand() != null);
    }

    private String field(String path, String given, String dflt, boolean numbered) {
        String what = numbered ? "a 0-based column number" : "a column or field name";
        if (given == null) {
            problems.value(path, null, "", what);
            return dflt;
        }
        String name = given.trim();
        if (name.isEmpty()) {
            problems.error(path, "empty; " + what);
            return dflt;
        }
        if (numbered) {
            try {
                if (Integer.parseInt(name) >= 0) {
                    return name;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.error(path, "'" + name + "' is not a column number; with header: false, name columns by 0-based"
                    + " number");
            return dflt;
        }
        return name;
    }
}
