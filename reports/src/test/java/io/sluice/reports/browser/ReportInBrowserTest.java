package io.sluice.reports.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.reports.ReportGenerator;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report from every fixture, opened from {@code file://} in headless Chromium: it renders with
 * no console error and no request beyond the page itself, every chart is laid out with all its
 * series, and the sortable tables sort. Leaves a full-page screenshot in
 * {@code target/report-screenshot.png} for a person to look at.
 *
 * <p>Skipped, saying why, only when no Chromium is installed; CI installs Debian's
 * {@code chromium} first, so there it always runs.
 */
class ReportInBrowserTest {
    @TempDir
    Path profile;

    @Test
    void rendersEveryChartWithoutErrorsOrRequests() throws Exception {
        Optional<Path> chromium = HeadlessChromium.find();
        assumeTrue(chromium.isPresent(), "chromium is not installed (apt-get install -y chromium; CI installs it):"
                + " skipping the browser test");

        Path out = Path.of("target", "browser-report");
        Path index = ReportGenerator.generate(List.of(fixture("normal.json"), fixture("outage.json"),
                fixture("sweep.json"), fixture("pick-cost-t1.json"), fixture("pick-cost-t2.json")), out);
        String html = Files.readString(index);
        List<Integer> declaredSeries = new ArrayList<>();
        Matcher m = Pattern.compile("<svg class=\"chart\" data-chart=\"[^\"]*\" data-series=\"(\\d+)\"").matcher(html);
        while (m.find()) {
            declaredSeries.add(Integer.parseInt(m.group(1)));
        }
        assertThat(declaredSeries).hasSizeGreaterThan(20);

        String url = index.toAbsolutePath().toUri().toString();
        try (HeadlessChromium browser = HeadlessChromium.launch(chromium.get(), profile, 1300, 900)) {
            browser.open(url);
            JsonNode charts = browser.evaluate("""
                    Array.from(document.querySelectorAll('svg.chart')).map(function (svg) {
                      var box = svg.getBoundingClientRect();
                      return {kind: svg.getAttribute('data-chart'), series: svg.querySelectorAll('g.series').length,
                              drawn: svg.querySelectorAll('g.series path, g.series rect').length,
                              width: box.width, height: box.height};
                    })""");
            assertThat(charts.size()).isEqualTo(declaredSeries.size());
            for (int i = 0; i < charts.size(); i++) {
                JsonNode chart = charts.get(i);
                assertThat(chart.get("series").asInt()).as("series of chart %d (%s)", i, chart.get("kind"))
                        .isEqualTo(declaredSeries.get(i));
                assertThat(chart.get("drawn").asInt()).as("marks drawn in chart %d (%s)", i, chart.get("kind"))
                        .isPositive();
                assertThat(chart.get("width").asDouble()).as("width of chart %d", i).isGreaterThan(250);
                assertThat(chart.get("height").asDouble()).as("height of chart %d", i).isGreaterThan(120);
            }

            // The script sorts: a click on "p99 (ms)" of the first runs table puts the lowest p99 first.
            JsonNode firstP99 = browser.evaluate("""
                    (function () {
                      var table = document.querySelector('table[data-table="runs"]');
                      var headers = Array.from(table.tHead.rows[0].cells);
                      var column = headers.findIndex(function (th) { return th.textContent === 'p99 (ms)'; });
                      headers[column].click();
                      var ascending = table.tBodies[0].rows[0].cells[column].textContent;
                      headers[column].click();
                      var descending = table.tBodies[0].rows[0].cells[column].textContent;
                      return [ascending, descending, headers[column].getAttribute('aria-sort')];
                    })()""");
            assertThat(firstP99.get(0).asText()).isEqualTo("94.3");
            assertThat(firstP99.get(1).asText()).isEqualTo("403");
            assertThat(firstP99.get(2).asText()).isEqualTo("descending");

            Files.write(Path.of("target", "report-screenshot.png"), browser.screenshot());
            assertThat(browser.errors()).as("console errors").isEmpty();
            assertThat(browser.requests()).as("requests").containsOnly(url);
        }
    }

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(ReportInBrowserTest.class.getResource("/io/sluice/reports/" + name).toURI());
    }
}
