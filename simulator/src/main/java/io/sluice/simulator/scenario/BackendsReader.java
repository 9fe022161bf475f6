package io.sluice.simulator.scenario;

import io.sluice.algorithms.Range;
import io.sluice.config.Problems;
import io.sluice.config.scenario.BackendGroupSection;
import io.sluice.config.scenario.DistributionSection;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Discipline;
import io.sluice.simulator.model.Distribution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The validation pass of a scenario's {@code backends:} section: the capacity model of the fleet,
 * group by group, and the distributions it uses (shared with {@code network-delay}).
 */
final class BackendsReader {
    static final long HOUR = 3_600_000_000_000L;
    /** Longest duration accepted anywhere in a scenario: a year of virtual time. */
    static final long MAX_DURATION = 366L * 24 * HOUR;
    static final int MAX_BACKENDS = 100_000;
    static final Range COUNT = Range.wholeNumber(1, MAX_BACKENDS);
    static final Range SERVERS = Range.wholeNumber(1, 1_000_000);
    static final Range SPEED = Range.numberAbove(0, 1e6);
    static final Range WEIGHT = Range.wholeNumber(1, 1_000_000);
    static final Range SIGMA = Range.numberAbove(0, 10);
    static final Range SHAPE = Range.numberAbove(1, 1000);
    static final Range WORK = Range.duration(0, 24 * HOUR);
    static final List<String> DISTRIBUTIONS = List.of("exponential", "constant", "lognormal", "pareto", "empirical");

    /** One group as read: the model groups it became (one per run of equal speeds) and a line for people. */
    record Group(String name, List<BackendGroup> parts, String summary, boolean weightGiven, boolean zoneGiven) {
        List<String> ids() {
            List<String> out = new ArrayList<>();
            for (BackendGroup g : parts) {
                for (int i = 0; i < g.count(); i++) {
                    out.add(g.backendId(i));
                }
            }
            return out;
        }
    }

    private final Problems problems;

    BackendsReader(Problems problems) {
        this.problems = problems;
    }

    List<Group> read(List<BackendGroupSection> sections) {
        List<Group> out = new ArrayList<>();
        if (problems.required("backends", sections, "a list of backend groups, each with at least a name and a"
                + " service-time") == null) {
            return out;
        }
        if (sections.isEmpty()) {
            problems.error("backends", "expected a non-empty list, got []; a list of backend groups, each with at"
                    + " least a name and a service-time");
            return out;
        }
        Set<String> names = new LinkedHashSet<>();
        Set<String> ids = new LinkedHashSet<>();
        int total = 0;
        for (int i = 0; i < sections.size(); i++) {
            String path = Problems.index("backends", i);
            BackendGroupSection g = sections.get(i);
            if (g == null) {
                continue;
            }
            Group read = group(path, g, names, total);
            if (read == null) {
                continue;
            }
            for (String id : read.ids()) {
                if (!ids.add(id)) {
                    problems.error(Problems.join(path, "ids"), "'" + id + "' is the id of another backend too; give"
                            + " each backend its own id");
                }
            }
            total += read.ids().size();
            out.add(read);
        }
        return out;
    }

    private Group group(String path, BackendGroupSection g, Set<String> names, int before) {
        int errors = problems.errors().size();
        String np = Problems.join(path, "name");
        String name = problems.text(np, g.name(), null, "a word of letters, digits, '_' or '.', like api or big");
        if (name != null && !name.matches("[A-Za-z0-9_.]+")) {
            problems.error(np, "'" + name + "' is not allowed; a word of letters, digits, '_' or '.' (backend ids are"
                    + " <name>-0, <name>-1, ...)");
            name = null;
        } else if (name != null && !names.add(name)) {
            problems.error(np, "'" + name + "' names another group too; give each group its own name");
            name = null;
        }
        List<String> explicit = g.ids();
        Integer count;
        if (explicit != null) {
            String ip = Problems.join(path, "ids");
            if (g.count() != null) {
                problems.error(Problems.join(path, "count"), "give either count or ids, not both (ids: one backend"
                        + " per id)");
            }
            if (explicit.isEmpty()) {
                problems.error(ip, "expected a non-empty list of backend ids");
            }
            for (int i = 0; i < explicit.size(); i++) {
                String id = explicit.get(i);
                if (id != null && (id.isEmpty() || id.length() > 128 || !id.chars().allMatch(c -> c < 128
                        && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == '~')))) {
                    problems.error(Problems.index(ip, i), "'" + id + "' is not allowed; 1 to 128 letters, digits, '-',"
                            + " '_', '.' or '~'");
                }
            }
            count = explicit.size();
        } else {
            count = problems.integer(Problems.join(path, "count"), g.count(), COUNT, 1);
        }
        if (count != null && before + count > MAX_BACKENDS) {
            problems.error(Problems.join(path, explicit != null ? "ids" : "count"), count + " makes more than "
                    + MAX_BACKENDS + " backends in all");
        }
        Integer servers = problems.integer(Problems.join(path, "servers"), g.servers(), SERVERS, 1);
        Distribution service = distribution(Problems.join(path, "service-time"), g.serviceTime(), false);
        double[] speeds = speeds(Problems.join(path, "speed"), g.speed(), count == null ? 1 : count);
        String discipline = problems.choice(Problems.join(path, "discipline"), g.discipline(),
                List.of("fifo", "ps", "processor-sharing"), "fifo");
        int queue = queueCapacity(Problems.join(path, "queue-capacity"), g.queueCapacity());
        String zp = Problems.join(path, "zone");
        String zone = problems.text(zp, g.zone(), "default", "a zone name, like eu-west-1a");
        if (zone != null && zone.trim().isEmpty()) {
            problems.error(zp, "empty; give a zone name, like eu-west-1a, or leave it out (default)");
        }
        Integer weight = problems.integer(Problems.join(path, "weight"), g.weight(), WEIGHT, 1);
        Long work = problems.duration(Problems.join(path, "health-check-work"), g.healthCheckWork(), WORK, 0L);
        if (problems.errors().size() > errors || name == null || count == null || service == null || speeds == null) {
            return null;
        }
        Discipline d = discipline.equals("fifo") ? Discipline.FIFO : Discipline.PROCESSOR_SHARING;
        String z = zone.trim();
        // Equal speeds next to each other share one model group; ids continue across them.
        List<BackendGroup> parts = new ArrayList<>();
        for (int from = 0; from < count; ) {
            int to = from + 1;
            while (to < count && speeds[to] == speeds[from]) {
                to++;
            }
            BackendGroup.Builder b = BackendGroup.builder(name, to - from).firstIndex(from).concurrency(servers)
                    .serviceTime(service).speed(speeds[from]).discipline(d).queueCapacity(queue).zone(z).weight(weight)
                    .healthCheckWorkNanos(work);
            if (explicit != null) {
                b.ids(explicit.subList(from, to));
            }
            parts.add(b.build());
            from = to;
        }
        String summary = count + " x " + name + " (" + servers + (servers == 1 ? " server, " : " servers, ")
                + service.describe() + ", speed " + speedText(speeds) + (d == Discipline.FIFO ? "" : ", ps")
                + (queue == BackendGroup.UNBOUNDED ? "" : ", queue " + queue)
                + (z.equals("default") ? "" : ", zone " + z) + (weight == 1 ? "" : ", weight " + weight) + ")";
        return new Group(name, parts, summary, g.weight() != null, g.zone() != null);
    }

    private double[] speeds(String path, List<Double> given, int count) {
        double[] speeds = new double[count];
        if (given == null) {
            if (problems.isBad(path)) {
                problems.value(path, null, 0.0, SPEED.describe());
                return null;
            }
            Arrays.fill(speeds, 1.0);
            return speeds;
        }
        boolean single = problems.written(path) != null;
        if (single) {
            Double v = problems.number(path, given.get(0), SPEED, null);
            if (v == null) {
                return null;
            }
            Arrays.fill(speeds, v);
            return speeds;
        }
        if (given.size() != count) {
            problems.error(path, "a list of " + given.size() + " speeds for " + count + " backends; give one speed"
                    + " for the group or a list of exactly count (" + count + ") speeds");
            return null;
        }
        boolean ok = true;
        for (int i = 0; i < count; i++) {
            Double v = problems.number(Problems.index(path, i), given.get(i), SPEED, null);
            ok &= v != null;
            speeds[i] = v == null ? 1 : v;
        }
        return ok ? speeds : null;
    }

    private static String speedText(double[] speeds) {
        boolean same = true;
        for (double s : speeds) {
            same &= s == speeds[0];
        }
        if (same) {
            return Range.plain(speeds[0]);
        }
        List<String> parts = new ArrayList<>();
        for (double s : speeds) {
            parts.add(Range.plain(s));
        }
        return "[" + String.join(", ", parts) + "]";
    }

    private int queueCapacity(String path, String given) {
        String allowed = "unbounded, or a whole number from 0 to " + Integer.MAX_VALUE + " (requests held beyond the"
                + " servers)";
        String v = problems.text(path, given, "unbounded", allowed);
        if (v == null || v.trim().equalsIgnoreCase("unbounded")) {
            return BackendGroup.UNBOUNDED;
        }
        try {
            long n = Long.parseLong(v.trim().replace("_", ""));
            if (n >= 0 && n <= Integer.MAX_VALUE) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        String shown = problems.written(path);
        problems.error(path, (shown != null && !shown.matches("-?[0-9_]+") ? "'" + v + "'" : v) + " is not allowed; "
                + allowed);
        return BackendGroup.UNBOUNDED;
    }

    /**
     * A distribution section, or null after recording its problems. With {@code durationAllowed} (a
     * network delay) a bare duration is a constant, and a constant may be 0.
     */
    Distribution distribution(String path, DistributionSection d, boolean durationAllowed) {
        String what = "a distribution, like {distribution: exponential, mean: 10ms}";
        if (d == null) {
            if (problems.isBad(path)) {
                problems.value(path, null, Distribution.constant(0), durationAllowed ? "a duration, or " + what
                        : what + " (a mapping of key: value)");
            } else if (!durationAllowed) {
                problems.error(path, "required; " + what);
            }
            return null;
        }
        long maxMean = MAX_DURATION;
        if (DistributionSection.CONSTANT_SHORT_FORM.equals(d.distribution())) {
            if (!durationAllowed) {
                problems.error(path, "expected " + what + " (a mapping of key: value), got '" + problems.written(path)
                        + "'");
                return null;
            }
            if (d.mean() == null) {
                problems.error(path, "'" + problems.written(path) + "' is not a duration; a duration, or " + what);
                return null;
            }
            Long v = problems.duration(path, d.mean(), Range.duration(0, maxMean), null);
            return v == null ? null : Distribution.constant(v);
        }
        String kind = problems.choice(Problems.join(path, "distribution"), d.distribution(), DISTRIBUTIONS, null);
        if (kind == null) {
            return null;
        }
        List<String> keys = switch (kind) {
            case "exponential", "constant" -> List.of("distribution", "mean");
            case "lognormal" -> List.of("distribution", "mean", "sigma");
            case "pareto" -> List.of("distribution", "mean", "shape");
            default -> List.of("distribution", "samples");
        };
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("mean", d.mean());
        given.put("sigma", d.sigma());
        given.put("shape", d.shape());
        given.put("samples", d.samples());
        int before = problems.errors().size();
        given.forEach((key, value) -> {
            if ((value != null || problems.present(Problems.join(path, key))) && !keys.contains(key)) {
                problems.error(Problems.join(path, key), "not a key of distribution " + kind + "; allowed here: "
                        + String.join(", ", keys));
            }
        });
        if (problems.errors().size() > before) {
            return null;
        }
        if (kind.equals("empirical")) {
            String sp = Problems.join(path, "samples");
            List<Duration> samples = problems.required(sp, d.samples(), "a list of durations, like [2ms, 3ms, 15ms]");
            if (samples == null) {
                return null;
            }
            if (samples.isEmpty()) {
                problems.error(sp, "expected a non-empty list, got []; a list of durations, like [2ms, 3ms, 15ms]");
                return null;
            }
            double[] nanos = new double[samples.size()];
            boolean ok = true;
            for (int i = 0; i < nanos.length; i++) {
                Long v = problems.duration(Problems.index(sp, i), samples.get(i), Range.duration(0, maxMean), null);
                ok &= v != null;
                nanos[i] = v == null ? 0 : v;
            }
            if (!ok) {
                return null;
            }
            try {
                return Distribution.empirical(nanos);
            } catch (IllegalArgumentException e) {
                problems.error(sp, e.getMessage());
                return null;
            }
        }
        long min = kind.equals("constant") && durationAllowed ? 0 : 1;
        Long mean = problems.duration(Problems.join(path, "mean"), d.mean(), Range.duration(min, maxMean), null);
        if (mean == null) {
            return null;
        }
        return switch (kind) {
            case "exponential" -> Distribution.exponential(mean);
            case "constant" -> Distribution.constant(mean);
            case "lognormal" -> {
                Double sigma = problems.number(Problems.join(path, "sigma"), d.sigma(), SIGMA, 1.0);
                yield sigma == null ? null : Distribution.lognormal(mean, sigma);
            }
            default -> {
                Double shape = problems.number(Problems.join(path, "shape"), d.shape(), SHAPE, 2.5);
                yield shape == null ? null : Distribution.pareto(mean, shape);
            }
        };
    }
}
