package io.sluice.cli.validate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link Validation.Result} as {@code validation.json} (the numbers) and
 * {@code validation.html} (one page: calibration, predicted vs measured per strategy with the error
 * of each prediction, per-backend shares and utilisation, the winner on both sides, and a closing
 * note). The accuracy targets of the issue are checked and every miss is named.
 */
public final class ValidationReport {
    /** p50 and p99 within this relative error. */
    static final double LATENCY_TOLERANCE = 0.15;
    /** Per-backend share within this many percentage points. */
    static final double SHARE_TOLERANCE_POINTS = 3.0;

    private ValidationReport() {
    }

    /** The strategy with the lowest p99 on one side (ties: the lower mean). */
    static String winner(List<Validation.StrategyResult> rs, boolean measured) {
        return rs.stream().min(Comparator.comparingDouble((Validation.StrategyResult r) ->
                        (measured ? r.measured() : r.predicted()).p99Ms())
                .thenComparingDouble(r -> (measured ? r.measured() : r.predicted()).meanMs()))
                .map(Validation.StrategyResult::strategy).orElse("-");
    }

    /** Relative error of a prediction: (predicted - measured) / measured. */
    static double relError(double predicted, double measured) {
        return measured == 0 ? Double.NaN : (predicted - measured) / measured;
    }

    /** The largest difference of a backend's share between the two sides, in percentage points. */
    static double maxShareErrorPoints(Validation.StrategyResult r) {
        double max = 0;
        for (Map.Entry<String, Double> e : r.measured().share().entrySet()) {
            double p = r.predicted().share().getOrDefault(e.getKey(), 0.0);
            max = Math.max(max, Math.abs(p - e.getValue()) * 100);
        }
        return max;
    }

    public static void write(Validation.Result result, Path dir) throws IOException {
        write(result, dir, "");
    }

    /** As {@link #write(Validation.Result, Path)}, with {@code extra} sections (HTML) before the closing note. */
    public static void write(Validation.Result result, Path dir, String extra) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Files.writeString(dir.resolve("validation.json"), json.writeValueAsString(result), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("validation.html"), html(result, extra), StandardCharsets.UTF_8);
    }

    private static String f(double v, int digits) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    private static String pct(double rel) {
        return Double.isNaN(rel) ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", rel * 100);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String html(Validation.Result r, String extra) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sluice validation: ")
                .append(esc(r.scenario())).append("</title>\n<style>body{font-family:system-ui,sans-serif;margin:2em;"
                        + "max-width:72em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
                        + "padding:.25em .5em;text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}"
                        + ".miss{color:#b00020;font-weight:600}.ok{color:#1b5e20}</style></head><body>\n");
        h.append("<h1>Simulation vs reality: ").append(esc(r.scenario())).append("</h1>\n");
        h.append("<section id=\"setup\"><h2>Setup</h2><p>Workload ").append(esc(r.workload())).append(", seed ")
                .append(r.seed()).append(", ").append(f(r.durationNanos() / 1e9, 1)).append(" s per strategy, the first ")
                .append(f(r.warmUpNanos() / 1e9, 1)).append(" s not measured. Offered ")
                .append(f(r.offeredPerSecond(), 0)).append(" requests/s on a capacity of ")
                .append(f(r.capacityPerSecond(), 0)).append("/s (load ")
                .append(f(r.offeredPerSecond() / r.capacityPerSecond(), 2)).append("). Machine: ").append(r.cores())
                .append(" cores shared by the load generator, the proxy and the emulated backends. Load generator: ")
                .append(esc(r.generator())).append(".</p></section>\n");
        Validation.Calibration c = r.calibration();
        h.append("<section id=\"calibration\"><h2>Calibration</h2><table><tr><th class=\"l\">input</th><th>value</th></tr>")
                .append("<tr><td class=\"l\">loopback round trip (median of ").append(c.samples())
                .append(")</td><td>").append(f(c.loopbackRttMedianNanos() / 1e3, 1)).append(" &micro;s</td></tr>")
                .append("<tr><td class=\"l\">round trip through the proxy (median)</td><td>")
                .append(f(c.proxyRttMedianNanos() / 1e3, 1)).append(" &micro;s</td></tr>")
                .append("<tr><td class=\"l\">round trip through the proxy (p90)</td><td>")
                .append(f(c.proxyRttP90Nanos() / 1e3, 1)).append(" &micro;s</td></tr>")
                .append("<tr><td class=\"l\">proxy overhead</td><td>").append(f(c.proxyOverheadNanos() / 1e3, 1))
                .append(" &micro;s</td></tr><tr><td class=\"l\">simulator one-way network delay</td><td>")
                .append(f(c.oneWayDelayNanos() / 1e3, 1)).append(" &micro;s</td></tr></table></section>\n");

        h.append("<section id=\"comparison\"><h2>Predicted vs measured</h2><table><tr><th class=\"l\">strategy</th>");
        for (String m : List.of("p50 ms", "p90 ms", "p99 ms", "mean ms", "error rate", "Jain")) {
            h.append("<th>").append(m).append(" predicted</th><th>measured</th><th>error</th>");
        }
        h.append("<th>max share error (points)</th></tr>\n");
        int misses = 0;
        for (Validation.StrategyResult s : r.strategies()) {
            Validation.Side p = s.predicted();
            Validation.Side m = s.measured();
            h.append("<tr><td class=\"l\">").append(esc(s.strategy())).append("</td>");
            double[][] cells = {{p.p50Ms(), m.p50Ms()}, {p.p90Ms(), m.p90Ms()}, {p.p99Ms(), m.p99Ms()},
                    {p.meanMs(), m.meanMs()}};
            for (int i = 0; i < cells.length; i++) {
                double e = relError(cells[i][0], cells[i][1]);
                boolean target = i == 0 || i == 2;
                boolean miss = target && !(Math.abs(e) <= LATENCY_TOLERANCE);
                misses += miss ? 1 : 0;
                h.append("<td>").append(f(cells[i][0], 2)).append("</td><td>").append(f(cells[i][1], 2))
                        .append("</td><td class=\"").append(target ? (miss ? "miss" : "ok") : "").append("\">")
                        .append(pct(e)).append("</td>");
            }
            h.append("<td>").append(f(p.errorRate(), 4)).append("</td><td>").append(f(m.errorRate(), 4))
                    .append("</td><td>").append(f((p.errorRate() - m.errorRate()) * 100, 2)).append(" pt</td>");
            h.append("<td>").append(f(p.jain(), 3)).append("</td><td>").append(f(m.jain(), 3)).append("</td><td>")
                    .append(pct(relError(p.jain(), m.jain()))).append("</td>");
            double se = maxShareErrorPoints(s);
            boolean shareMiss = !(se <= SHARE_TOLERANCE_POINTS);
            misses += shareMiss ? 1 : 0;
            h.append("<td class=\"").append(shareMiss ? "miss" : "ok").append("\">").append(f(se, 2))
                    .append("</td></tr>\n");
        }
        h.append("</table>");
        String wp = winner(r.strategies(), false);
        String wm = winner(r.strategies(), true);
        boolean agree = wp.equals(wm);
        h.append("<p id=\"winner\">Winner (lowest p99): predicted <b>").append(esc(wp)).append("</b>, measured <b>")
                .append(esc(wm)).append("</b>: <span class=\"").append(agree ? "ok\">the winner agrees" : "miss\">the"
                        + " winner does not agree").append("</span>.</p></section>\n");

        h.append("<section id=\"backends\"><h2>Per-backend request share and utilisation</h2><table><tr>"
                + "<th class=\"l\">strategy</th><th class=\"l\">backend</th><th>share predicted</th><th>measured</th>"
                + "<th>error (points)</th><th>utilisation predicted</th><th>measured</th></tr>\n");
        for (Validation.StrategyResult s : r.strategies()) {
            for (Map.Entry<String, Double> e : s.measured().share().entrySet()) {
                String id = e.getKey();
                double ps = s.predicted().share().getOrDefault(id, 0.0);
                h.append("<tr><td class=\"l\">").append(esc(s.strategy())).append("</td><td class=\"l\">")
                        .append(esc(id)).append("</td><td>").append(f(ps, 4)).append("</td><td>")
                        .append(f(e.getValue(), 4)).append("</td><td>").append(f((ps - e.getValue()) * 100, 2))
                        .append("</td><td>").append(f(s.predicted().utilisation().getOrDefault(id, Double.NaN), 3))
                        .append("</td><td>").append(f(s.measured().utilisation().getOrDefault(id, Double.NaN), 3))
                        .append("</td></tr>\n");
            }
        }
        h.append("</table></section>\n");

        h.append(extra);
        h.append("<section id=\"note\"><h2>Closing note</h2><p>Targets: p50 and p99 within ")
                .append(f(LATENCY_TOLERANCE * 100, 0)).append("%, per-backend share within ")
                .append(f(SHARE_TOLERANCE_POINTS, 0)).append(" points, the same winner. ");
        if (misses == 0 && agree) {
            h.append("Every prediction is within its target.");
        } else {
            h.append(misses).append(" prediction(s) miss their target").append(agree ? "" : " and the winner differs")
                    .append(". Causes to weigh: the load generator, the proxy and the emulated backends share ")
                    .append(r.cores()).append(" cores, so CPU contention adds queueing the simulator does not model;"
                            + " the emulator's timers fire on a millisecond-granular selector; the calibration is a"
                            + " constant delay while the real overhead varies with load; the simulator has no model of"
                            + " the client, of connection set-up or of the proxy's own queueing.");
        }
        long late = r.strategies().stream().mapToLong(Validation.StrategyResult::lateSends).sum();
        long maxLag = r.strategies().stream().mapToLong(Validation.StrategyResult::maxSendLagNanos).max().orElse(0);
        h.append(" The load generator sent ").append(late).append(" request(s) more than 1 ms after their arrival"
                + " time, at worst ").append(f(maxLag / 1e6, 1)).append(" ms late (its latency counts"
                + " that lag; a large figure means the machine could not keep up).</p></section>\n</body></html>\n");
        return h.toString();
    }
}
