package io.sluice.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.Test;

/**
 * The protection comparison of a {@code compare-protection} scenario. The fixture
 * {@code protection.json} is the simulator's own output for the built-in {@code runaway-firmware}
 * scenario cut to round-robin and p2c-least-request over 2 seeds ({@code ./sluice simulate
 * runaway-firmware --strategies round-robin,p2c-least-request --seeds 2}); the numbers asserted were
 * read off it.
 */
class ProtectionSectionTest {
    private static Document report(String fixture) {
        return Jsoup.parse(ReportGenerator.render(List.of(Fixtures.path(fixture))));
    }

    @Test
    void eachStrategyHasARowWithoutAndWithProtectionAndTheWellBehavedFigures() {
        Document doc = report("protection.json");
        Element section = doc.getElementById("protection-runaway-firmware");
        assertThat(section).as("the protection section").isNotNull();
        assertThat(section.selectFirst("h2").text()).contains("With and without protection");
        Elements rows = section.select("table[data-table=protection] tbody tr");
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0).select("td").get(0).text()).isEqualTo("round-robin");
        assertThat(rows.get(0).select("td").get(1).text()).isEqualTo("off");
        assertThat(rows.get(1).select("td").get(1).text()).isEqualTo("on");
        assertThat(rows.get(3).select("td").get(0).text()).isEqualTo("p2c-least-request");
        // Without protection nothing is rate-limited; with it, the runaway meters' excess is (429).
        assertThat(rows.get(0).select("td").get(4).attr("data-v")).isEqualTo("0");
        assertThat(Long.parseLong(rows.get(1).select("td").get(4).attr("data-v"))).isEqualTo(55_989);
        assertThat(Long.parseLong(rows.get(1).select("td").get(5).attr("data-v"))).isEqualTo(995);
        // The well-behaved meters: p99 343 ms -> 88.9 ms, success 85.7 % -> 99.0 % under round robin.
        assertThat(rows.get(0).select("td").get(6).text()).isEqualTo("343");
        assertThat(rows.get(1).select("td").get(6).text()).isEqualTo("88.9");
        assertThat(rows.get(0).select("td").get(7).text()).isEqualTo("85.7 %");
        assertThat(rows.get(1).select("td").get(7).text()).isEqualTo("99.0 %");
        // One p99 per seed.
        assertThat(rows.get(1).select("td").get(8).text().split(", ")).hasSize(2);
        assertThat(section.select("ul.verdict li")).hasSize(2);
        assertThat(section.select("ul.verdict li").get(1).text())
                .startsWith("p2c-least-request: with protection the well-behaved devices' p99 goes from 347 to 57.6 ms");
        // The scenario's own section still follows, with every run.
        Element scenario = doc.getElementById("scenario-runaway-firmware");
        assertThat(scenario).isNotNull();
    }

    @Test
    void resultsWithoutProtectionHaveNoSuchSection() {
        Document doc = report("normal.json");
        assertThat(doc.select("table[data-table=protection]")).isEmpty();
    }
}
