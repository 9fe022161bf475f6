package io.sluice.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of each fixture, read back as an HTML document: the recommendation names the right
 * strategy with the right numbers (read off the fixtures, see {@link FixtureWriter}), every chart
 * is there with one series per strategy or backend, the tables have a row per run or backend, and
 * nothing points outside the file.
 */
class ReportGeneratorTest {
    @TempDir
    Path out;

    private static Document report(String... fixtures) {
        return Jsoup.parse(ReportGenerator.render(List.of(fixtures).stream().map(Fixtures::path).toList()));
    }

    private static Elements charts(Element scope, String kind) {
        return scope.select("svg.chart[data-chart=" + kind + "]");
    }

    /** The series drawn in a chart, checked against the count it declares. */
    private static int series(Element chart) {
        int drawn = chart.select("g.series").size();
        assertThat(chart.attr("data-series")).isEqualTo(Integer.toString(drawn));
        return drawn;
    }

    private static Elements rows(Element scope, String table) {
        return scope.select("table[data-table=" + table + "] tbody tr");
    }

    @Test
    void normalRunRecommendsTheLowestP99AmongRunsThatDoNotFailMoreAndSaysWhyTheOthersLost() {
        Document doc = report("normal.json");
        Element rec = doc.selectFirst(".recommendation");
        assertThat(rec.attr("data-recommended")).isEqualTo("p2c-peak-ewma");
        assertThat(rec.selectFirst(".headline").text())
                .isEqualTo("For this workload deploy p2c-peak-ewma (p2c-peak-ewma +slow-start{window=30s}).");
        // normal.json: p2c-peak-ewma p99 120.511 ms, mean 21.607, failed 0.0002 + 0.0001; round-robin
        // p99 302.591, mean 38.168, failed 0.0004 + 0.0001; (302.591 - 120.511) / 302.591 = 60 %.
        assertThat(rec.selectFirst(".evidence").text()).startsWith("p99 121 ms against 303 ms for round-robin"
                + " (60 % lower); mean 21.6 ms against 38.2 ms; failed 0.030 % of requests against 0.050 %;");
        assertThat(rec.select("ol.rule li")).hasSize(4);
        assertThat(rec.text()).contains("0.1 percentage point", "within 2 %");

        Elements verdicts = rows(doc, "verdicts");
        assertThat(verdicts).hasSize(5);
        assertThat(verdicts.get(0).text()).contains("round-robin", "p99 302.6 ms, more than 2 % above the lowest (120.5 ms)");
        // least-connections has the lowest p99 (94.3 ms) but fails 2.1 %: out at the first step.
        assertThat(verdicts.get(2).text()).contains("least-connections", "failed 2.10 % of requests");
        assertThat(verdicts.get(3).hasClass("win")).isTrue();
        // prequal's p99 121.855 ms is within 2 % of 120.511 (limit 122.92); its mean 22.537 ms is more
        // than 2 % above 21.607 (limit 22.04).
        assertThat(verdicts.get(4).text()).contains("mean latency 22.54 ms, more than 2 % above the lowest (21.61 ms)");
    }

    @Test
    void normalRunHasEveryChartWithOneSeriesPerStrategyOrBackendAndATableBesideIt() {
        Document doc = report("normal.json");
        for (String kind : List.of("latency-percentiles", "p99-over-time", "mean-over-time", "errors-over-time",
                "backend-utilisation")) {
            Elements charts = charts(doc, kind);
            assertThat(charts).as(kind).hasSize(1);
            assertThat(series(charts.first())).as(kind).isEqualTo(5);
            assertThat(rows(doc, kind)).as(kind + " table").hasSize(5);
            assertThat(charts.first().closest(".panel").select("table")).as(kind + " table beside").hasSize(1);
        }
        Elements overTime = charts(doc, "utilisation-over-time");
        assertThat(overTime).hasSize(5);
        overTime.forEach(c -> assertThat(series(c)).isEqualTo(5));
        assertThat(rows(doc, "runs")).hasSize(5);
        assertThat(rows(doc, "backends-prequal")).hasSize(5);
        assertThat(charts(doc, "latency-vs-load")).isEmpty();

        // The percentile curves come from the decoded histograms: many more points than the 7 written.
        String path = charts(doc, "latency-percentiles").first().selectFirst("g.series path").attr("d");
        assertThat(path.split(" L").length).isGreaterThan(50);
        // A bar per strategy per backend.
        assertThat(charts(doc, "backend-utilisation").first().select("g.series rect")).hasSize(25);
    }

    @Test
    void outageShowsTheCrashedBackendIdleAndTheErrorBurstAndRecommendsTheStrategyThatFailedLeast() {
        Document doc = report("outage.json");
        Element rec = doc.selectFirst(".recommendation");
        assertThat(rec.attr("data-recommended")).isEqualTo("p2c-peak-ewma");
        // outage.json: p2c-peak-ewma failed 156 / 30000 = 0.52 %; round-robin 906 / 30000 = 3.02 %.
        assertThat(rec.selectFirst(".evidence").text()).startsWith("p99 167 ms against 247 ms for round-robin")
                .contains("failed 0.520 % of requests against 3.02 %")
                .contains("Why not round-robin: failed 3.02 % of requests, more than 0.1 percentage point above the"
                        + " best (0.520 %)");

        // b2 is down from 200 s to 320 s: 0 % in every interval of that stretch, for every strategy.
        for (String strategy : List.of("round-robin", "least-connections", "p2c-peak-ewma")) {
            Element b2 = rows(doc, "backends-" + strategy).get(2);
            assertThat(b2.child(0).text()).isEqualTo("b2");
            assertThat(b2.text()).as(strategy).contains("200\u2013320 s");
        }
        // b0 never stops: no idle stretch, and its lowest interval is well above 0 %.
        Element b0 = rows(doc, "backends-round-robin").get(0);
        assertThat(b0.child(6).text()).isEqualTo(Html.NONE);
        assertThat(Double.parseDouble(b0.child(4).attr("data-v"))).isGreaterThan(0.4);

        // The error burst starts in the interval of the crash.
        Elements errors = rows(doc, "errors-over-time");
        assertThat(errors).hasSize(3);
        assertThat(errors.get(0).child(0).text()).isEqualTo("round-robin");
        assertThat(errors.get(0).child(1).text()).isEqualTo("906");
        assertThat(errors.get(0).child(5).text()).isEqualTo("200");
        assertThat(series(charts(doc, "errors-over-time").first())).isEqualTo(3);
        assertThat(series(charts(doc, "utilisation-over-time").first())).isEqualTo(4);
    }

    @Test
    void sweepRecommendsTheStrategyThatWinsAtMostValuesAndDrawsLatencyAgainstLoad() {
        Document doc = report("sweep.json");
        Element rec = doc.selectFirst(".recommendation");
        assertThat(rec.attr("data-recommended")).isEqualTo("p2c-peak-ewma");
        assertThat(rec.selectFirst(".headline").text())
                .isEqualTo("For this workload deploy p2c-peak-ewma: it wins at 2 of 3 values of load (0.5 to 0.9).");
        assertThat(rec.selectFirst(".evidence").text())
                .startsWith("At load 0.9: p99 200 ms against 846 ms for round-robin (76 % lower)");
        assertThat(rec.select("ol.rule li")).hasSize(5);

        Elements atValues = rows(doc, "sweep-verdicts");
        assertThat(atValues).hasSize(3);
        assertThat(atValues.get(0).text()).startsWith("0.5 round-robin 60.6");
        assertThat(atValues.get(1).text()).startsWith("0.7 p2c-peak-ewma 89.4");
        assertThat(atValues.get(2).text()).startsWith("0.9 p2c-peak-ewma 200");

        Element latencyVsLoad = charts(doc, "latency-vs-load").first();
        assertThat(series(latencyVsLoad)).isEqualTo(3);
        for (Element s : latencyVsLoad.select("g.series")) {
            assertThat(s.select("circle")).as("a point per load").hasSize(3);
        }
        assertThat(series(charts(doc, "failures-vs-load").first())).isEqualTo(3);
        assertThat(rows(doc, "latency-vs-load")).hasSize(3);
        assertThat(rows(doc, "runs")).hasSize(9);
        // Per-run charts show the three runs at the highest load only.
        assertThat(series(charts(doc, "latency-percentiles").first())).isEqualTo(3);
        assertThat(charts(doc, "utilisation-over-time")).hasSize(3);
        assertThat(doc.text()).contains("Runs at load 0.9.");
    }

    @Test
    void jmhResultsDrawCostPerPickAgainstBackendsForOneAndTwoThreads() {
        Document doc = report("pick-cost-t1.json", "pick-cost-t2.json");
        Elements charts = charts(doc, "pick-cost");
        assertThat(charts).hasSize(2);
        assertThat(charts.eachAttr("aria-label")).containsExactly("Pick cost with 1 thread", "Pick cost with 2 threads");
        for (Element chart : charts) {
            assertThat(series(chart)).isEqualTo(6);
            chart.select("g.series").forEach(s -> assertThat(s.select("circle")).hasSize(3));
        }
        assertThat(charts.first().select("g.series").eachAttr("data-label")).containsExactly("round-robin", "random",
                "p2c-least-request", "p2c-peak-ewma", "maglev", "weighted-random (weights 1..10)");
        Elements rows = rows(doc, "pick-cost");
        assertThat(rows).hasSize(18);
        // p2c-peak-ewma at 10 backends: medians 19.0 ns (1 thread) and 25.65 ns (2 threads);
        // 2 x 19.0 / 25.65 = 1.48.
        assertThat(rows.get(9).text()).isEqualTo("p2c-peak-ewma 10 19.0 25.7 1.48");
        assertThat(doc.select("table[data-table=jmh-other]")).isEmpty();
    }

    @Test
    void theReportIsSelfContainedAndPointsNowhereOutsideItself() {
        Document doc = report("normal.json", "outage.json", "sweep.json", "pick-cost-t1.json", "pick-cost-t2.json");
        for (Element e : doc.select("[src], [href]")) {
            String target = e.hasAttr("src") ? e.attr("src") : e.attr("href");
            assertThat(target).as(e.outerHtml()).doesNotContainPattern("(?i)^\\s*(https?:)?//");
            assertThat(target).as("links stay in the page").startsWith("#");
        }
        assertThat(doc.select("link, img, iframe, object, embed, script[src]")).isEmpty();
        assertThat(doc.select("style")).hasSize(1);
        assertThat(doc.select("script")).hasSize(1);
        assertThat(doc.html()).doesNotContainPattern("(?i)url\\(");
        assertThat(doc.select("style").html()).contains("@media print");
        // One section per results file and one for JMH, each in the contents.
        assertThat(doc.select("nav.toc a").eachAttr("href")).containsExactly("#scenario-campus-steady",
                "#scenario-b2-crash", "#scenario-load-sweep", "#pick-cost");
        assertThat(doc.select("table.sortable")).isNotEmpty();
        doc.select("table.sortable td.num").forEach(td -> assertThat(td.hasAttr("data-v")).isTrue());
    }

    @Test
    void theSameInputsGiveTheSameBytes() {
        List<Path> inputs = List.of(Fixtures.path("normal.json"), Fixtures.path("pick-cost-t1.json"));
        assertThat(ReportGenerator.render(inputs)).isEqualTo(ReportGenerator.render(inputs));
    }

    @Test
    void generateWritesIndexHtmlIntoANewFolder() throws Exception {
        Path dir = out.resolve("nested").resolve("report");
        Path index = ReportGenerator.generate(List.of(Fixtures.path("normal.json")), dir);
        assertThat(index).isEqualTo(dir.resolve("index.html")).exists();
        assertThat(Files.readString(index)).startsWith("<!DOCTYPE html>").contains("campus-steady");
    }

    @Test
    void aFolderStandsForTheResultsJsonInsideIt() throws Exception {
        Files.copy(Fixtures.path("outage.json"), out.resolve("results.json"));
        Document doc = Jsoup.parse(ReportGenerator.render(List.of(out)));
        assertThat(doc.selectFirst(".recommendation").attr("data-recommended")).isEqualTo("p2c-peak-ewma");
    }

    @Test
    void theSameScenarioTwiceGetsTwoSectionsWithDistinctAnchors() {
        Document doc = report("normal.json", "normal.json");
        assertThat(doc.select("section").eachAttr("id")).containsExactly("scenario-campus-steady",
                "scenario-campus-steady-2");
    }

    /** normal.json with {@code edit} applied, written to the temp folder. */
    private Path edited(java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode doc = (ObjectNode) json.readTree(Fixtures.path("normal.json").toFile());
        edit.accept(doc);
        Path file = out.resolve("edited.json");
        Files.writeString(file, json.writeValueAsString(doc));
        return file;
    }

    /** Makes run {@code i} one that completed nothing: every latency null, no percentiles, no histogram. */
    private static void completedNothing(ObjectNode doc, int i) {
        ObjectNode run = (ObjectNode) doc.get("runs").get(i);
        ObjectNode summary = (ObjectNode) run.get("summary");
        summary.put("completed", 0);
        summary.put("throughputPerSecond", 0.0);
        summary.put("errors", 30000);
        summary.put("errorRate", 1.0);
        ObjectNode latency = (ObjectNode) summary.get("latencyMs");
        for (String f : List.of("mean", "p50", "p90", "p99", "p999", "max")) {
            latency.putNull(f);
        }
        ObjectNode histogram = (ObjectNode) run.get("latencyHistogram");
        histogram.putNull("data");
        histogram.putArray("percentiles");
        ObjectNode series = (ObjectNode) run.get("timeSeries");
        for (String f : List.of("meanLatencyMs", "p99LatencyMs")) {
            ArrayNode values = (ArrayNode) series.get(f);
            for (int k = 0; k < values.size(); k++) {
                values.setNull(k);
            }
        }
        for (var backend : run.get("backends")) {
            ((ObjectNode) backend).putNull("meanLatencyMs");
        }
    }

    @Test
    void aRunThatCompletedNothingIsShownWithoutNumbersAndIsNotRecommended() throws IOException {
        Document doc = Jsoup.parse(ReportGenerator.render(List.of(edited(d -> completedNothing(d, 3)))));
        assertThat(doc.selectFirst(".recommendation").attr("data-recommended")).isEqualTo("prequal");
        Element p2c = rows(doc, "verdicts").get(3);
        assertThat(p2c.text()).contains("completed nothing, so it has no p99");
        assertThat(rows(doc, "latency-percentiles").get(3).child(3).text()).isEqualTo(Html.NONE);
        // Its percentile curve and latency lines are empty but still there, so the legend matches.
        assertThat(series(charts(doc, "latency-percentiles").first())).isEqualTo(5);
        assertThat(rows(doc, "p99-over-time").get(3).child(4).text()).isEqualTo("60");
    }

    @Test
    void whenNoRunCompletedAnythingThereIsNoRecommendation() throws IOException {
        Document doc = Jsoup.parse(ReportGenerator.render(List.of(edited(d -> {
            for (int i = 0; i < 5; i++) {
                completedNothing(d, i);
            }
        }))));
        Element rec = doc.selectFirst(".recommendation");
        assertThat(rec.attr("data-recommended")).isEmpty();
        assertThat(rec.selectFirst(".headline").text()).isEqualTo("No recommendation: no run completed a request.");
        assertThat(charts(doc, "latency-percentiles").first().text()).contains("no data");
    }

    @Test
    void manyBackendsAreSummarisedAsLowestMeanAndBusiest() throws IOException {
        int count = SimulationSection.MAX_BACKEND_LINES + 3;
        Document doc = Jsoup.parse(ReportGenerator.render(List.of(edited(d -> {
            ((ObjectNode) d.get("scenario").get("backends")).put("count", count);
            for (var run : d.get("runs")) {
                ArrayNode backends = (ArrayNode) run.get("backends");
                ObjectNode byBackend = (ObjectNode) run.get("timeSeries").get("backendUtilisation");
                for (int k = 5; k < count; k++) {
                    ObjectNode copy = backends.get(k % 5).deepCopy();
                    copy.put("id", "b" + k);
                    backends.add(copy);
                    byBackend.set("b" + k, byBackend.get("b" + (k % 5)).deepCopy());
                }
            }
        }))));
        Elements overTime = charts(doc, "utilisation-over-time");
        assertThat(overTime).hasSize(5);
        assertThat(overTime.first().select("g.series").eachAttr("data-label")).containsExactly("lowest backend",
                "mean of backends", "busiest backend");
        assertThat(rows(doc, "backends-round-robin")).hasSize(count);
        assertThat(charts(doc, "backend-utilisation").first().select("rect")).hasSize(5 * count);
    }
}
