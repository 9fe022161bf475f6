package io.sluice.reports.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.reports.chart.LineChart.Point;
import io.sluice.reports.chart.LineChart.Series;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the SVG of a chart contains: one group per series, gaps, markers, escaping, the empty case. */
class LineChartTest {
    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static LineChart chart(List<Series> series) {
        return new LineChart("test", "Test", Axis.linear("x"), Axis.linearFromZero("y"), series);
    }

    @Test
    void oneGroupPerSeriesAndTheCountDeclared() {
        String svg = chart(List.of(new Series("a", 0, List.of(new Point(0, 1), new Point(1, 2))),
                new Series("b", 1, List.of(new Point(0, 2), new Point(1, 3))))).svg();
        assertThat(svg).startsWith("<svg class=\"chart\" data-chart=\"test\" data-series=\"2\"");
        assertThat(count(svg, "<g class=\"series\"")).isEqualTo(2);
        assertThat(svg).contains("stroke=\"" + Palette.colour(0) + "\"", "stroke=\"" + Palette.colour(1) + "\"");
        assertThat(svg).doesNotContain("http");
    }

    @Test
    void aMissingValueSplitsTheLineAndALoneValueIsStillDrawn() {
        List<Point> points = List.of(new Point(0, 1), new Point(1, 2), new Point(2, Double.NaN), new Point(3, 2),
                new Point(4, Double.NaN), new Point(5, 1), new Point(6, 1));
        String svg = chart(List.of(new Series("gappy", 0, points))).svg();
        String d = svg.replaceAll("(?s).*<path class=\"line s0\" d=\"([^\"]*)\".*", "$1");
        assertThat(count(d, "M")).isEqualTo(3);
        assertThat(count(d, "L")).isEqualTo(2);
        assertThat(d).contains("l0 0");
    }

    @Test
    void sparseSeriesGetMarkersDenseOnesDoNot() {
        List<Point> sparse = List.of(new Point(0, 1), new Point(1, 2), new Point(2, 3));
        List<Point> dense = new ArrayList<>();
        for (int i = 0; i <= LineChart.MARKER_LIMIT; i++) {
            dense.add(new Point(i, i));
        }
        assertThat(count(chart(List.of(new Series("s", 0, sparse))).svg(), "<circle")).isEqualTo(3);
        assertThat(count(chart(List.of(new Series("d", 0, dense))).svg(), "<circle")).isZero();
    }

    @Test
    void pointsALogAxisCannotShowAreLeftOut() {
        LineChart chart = new LineChart("log", "Log", Axis.linear("x"), Axis.log("y"),
                List.of(new Series("s", 0, List.of(new Point(0, 0), new Point(1, 10), new Point(2, 100)))));
        assertThat(count(chart.svg(), "<circle")).isEqualTo(2);
    }

    @Test
    void labelsAreEscaped() {
        LineChart chart = new LineChart("k", "<T>", Axis.linear("x & y"), Axis.linear("\"y\""),
                List.of(new Series("<script>", 0, List.of(new Point(0, 1)))));
        String html = chart.svg() + chart.legend();
        assertThat(html).doesNotContain("<script>", "<T>").contains("&lt;script&gt;", "x &amp; y", "&quot;y&quot;");
    }

    @Test
    void aChartWithoutDataSaysSo() {
        assertThat(chart(List.of()).svg()).contains("no data").contains("data-series=\"0\"");
        assertThat(chart(List.of(new Series("empty", 0, List.of(new Point(0, Double.NaN))))).svg())
                .contains("no data");
    }

    @Test
    void theLegendHasOneEntryPerSeries() {
        String legend = chart(List.of(new Series("a", 0, List.of()), new Series("b", 3, List.of()))).legend();
        assertThat(count(legend, "<li>")).isEqualTo(2);
        assertThat(legend).contains("class=\"line s3\"");
    }

    @Test
    void barsNeedOneValuePerCategory() {
        assertThatThrownBy(() -> new BarChart("b", "B", List.of("b0", "b1"), "backend", Axis.share("u"),
                List.of(new BarChart.Series("s", 0, List.of(0.5))))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 values for 2 categories");
        BarChart chart = new BarChart("b", "B", List.of("b0", "b1"), "backend", Axis.share("u"),
                List.of(new BarChart.Series("s", 0, List.of(0.5, Double.NaN)), new BarChart.Series("t", 1,
                        List.of(0.25, 0.75))));
        String svg = chart.svg();
        assertThat(count(svg, "<rect")).as("a missing value draws no bar").isEqualTo(3);
        assertThat(svg).contains("data-series=\"2\"");
    }

    @Test
    void manyCategoriesAreRotatedAndThinnedRatherThanOverlapped() {
        List<String> ids = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add("backend-" + i);
            values.add(0.5);
        }
        String svg = new BarChart("b", "B", ids, "backend", Axis.share("u"), List.of(new BarChart.Series("s", 0,
                values))).svg();
        assertThat(svg).contains("rotate(-35)");
        assertThat(count(svg, ">backend-\\d+</text>")).isBetween(10, 60);
    }
}
