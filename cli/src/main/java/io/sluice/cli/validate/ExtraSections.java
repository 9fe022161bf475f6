package io.sluice.cli.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Sections the validation report adds from other tools' results: {@code ./sluice bench proxy}'s
 * {@code proxy-bench.json} (the medians of each matrix) and a Gatling run's {@code js/stats.json}
 * (the "All Requests" statistics). Bad input is an {@link IllegalArgumentException} naming the file
 * and the field.
 */
public final class ExtraSections {
    private ExtraSections() {
    }

    private static JsonNode read(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not readable JSON: " + e.getMessage(), e);
        }
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String num(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "n/a";
        }
        if (n.isNumber()) {
            return String.format(Locale.ROOT, "%.1f", n.asDouble());
        }
        return esc(n.asText());
    }

    /** The proxy benchmark's medians, one table per matrix (threads x connections). */
    public static String proxyBench(Path file) {
        JsonNode root = read(file);
        if (!root.path("schema").asText().startsWith("sluice.proxy-bench")) {
            throw new IllegalArgumentException(file + ": schema: '" + root.path("schema").asText()
                    + "' is not a proxy benchmark's (sluice.proxy-bench...); give the proxy-bench.json of"
                    + " ./sluice bench proxy");
        }
        StringBuilder h = new StringBuilder("<section id=\"proxy-bench\"><h2>Proxy benchmark (./sluice bench proxy)</h2>");
        h.append("<p>From ").append(esc(file.toString())).append(", started ")
                .append(esc(root.path("startedAt").asText())).append(" on ")
                .append(root.path("machine").path("cpus").asInt()).append(" CPUs.</p>");
        for (JsonNode m : root.path("matrices")) {
            h.append("<h3>").append(m.path("threads").asInt()).append(" thread(s), ")
                    .append(m.path("connections").asInt()).append(" connections</h3><table><tr><th class=\"l\">target"
                            + "</th><th>requests/s</th><th>p50 &micro;s</th><th>p99 &micro;s</th><th>CPU &micro;s/request"
                            + "</th><th>errors</th></tr>");
            for (JsonNode r : m.path("medians")) {
                h.append("<tr><td class=\"l\">").append(esc(r.path("target").asText())).append("</td><td>")
                        .append(num(r.get("requestsPerSecond"))).append("</td><td>").append(num(r.get("p50Micros")))
                        .append("</td><td>").append(num(r.get("p99Micros"))).append("</td><td>")
                        .append(num(r.get("cpuMicrosPerRequest"))).append("</td><td>").append(r.path("errors").asLong())
                        .append("</td></tr>");
            }
            h.append("</table><p>Sluice vs HAProxy: ").append(esc(m.path("sluiceVsHaproxy").path("verdict").asText()))
                    .append("</p>");
        }
        return h.append("</section>\n").toString();
    }

    /**
     * A Gatling run's global statistics. {@code dir} is the run's report folder (with
     * {@code js/stats.json}) or a folder holding such run folders, the newest being taken.
     */
    public static String gatling(Path dir) {
        Path stats = statsFile(dir);
        JsonNode s = read(stats).path("stats");
        if (s.isMissingNode()) {
            throw new IllegalArgumentException(stats + ": no 'stats' object; is this Gatling's js/stats.json?");
        }
        StringBuilder h = new StringBuilder("<section id=\"gatling\"><h2>Gatling run</h2><p>From ")
                .append(esc(stats.toString())).append(" (Gatling's own HTML report is beside it).</p><table><tr>"
                        + "<th class=\"l\">metric</th><th>total</th><th>ok</th><th>ko</th></tr>");
        String[][] rows = {{"numberOfRequests", "requests"}, {"meanNumberOfRequestsPerSecond", "requests/s"},
                {"minResponseTime", "min ms"}, {"percentiles1", "p50 ms"}, {"percentiles2", "p75 ms"},
                {"percentiles3", "p95 ms"}, {"percentiles4", "p99 ms"}, {"meanResponseTime", "mean ms"},
                {"maxResponseTime", "max ms"}};
        for (String[] r : rows) {
            JsonNode n = s.path(r[0]);
            h.append("<tr><td class=\"l\">").append(r[1]).append("</td><td>").append(num(n.get("total")))
                    .append("</td><td>").append(num(n.get("ok"))).append("</td><td>").append(num(n.get("ko")))
                    .append("</td></tr>");
        }
        return h.append("</table></section>\n").toString();
    }

    static Path statsFile(Path dir) {
        Path direct = dir.resolve("js").resolve("stats.json");
        if (Files.isRegularFile(direct)) {
            return direct;
        }
        try (Stream<Path> runs = Files.list(dir)) {
            return runs.map(p -> p.resolve("js").resolve("stats.json")).filter(Files::isRegularFile)
                    .max((a, b) -> {
                        try {
                            return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
                        } catch (IOException e) {
                            return 0;
                        }
                    })
                    .orElseThrow(() -> new IllegalArgumentException(dir + ": no Gatling run here (no js/stats.json"
                            + " in it or in a folder of it)"));
        } catch (IOException e) {
            throw new IllegalArgumentException(dir + ": not a readable folder: " + e.getMessage(), e);
        }
    }
}
