package io.sluice.reports.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.reports.json.JsonField;
import io.sluice.reports.simulation.SimulationResults.Percentile;
import io.sluice.reports.simulation.SimulationResults.Run;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Reading a valid results document: every field lands where it belongs, and the histogram is decoded. */
class SimulationResultsReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SimulationResults read(String fixture, Consumer<ObjectNode> edit) throws IOException,
            URISyntaxException {
        Path path = Path.of(SimulationResultsReaderTest.class.getResource("/io/sluice/reports/" + fixture).toURI());
        ObjectNode doc = (ObjectNode) JSON.readTree(path.toFile());
        edit.accept(doc);
        return SimulationResultsReader.read(JsonField.root(doc, fixture));
    }

    private static ObjectNode histogram(ObjectNode doc, int run) {
        return (ObjectNode) doc.get("runs").get(run).get("latencyHistogram");
    }

    @Test
    void readsTheScenarioAndEveryRun() throws Exception {
        SimulationResults r = read("normal.json", d -> { });
        assertThat(r.source()).isEqualTo("normal.json");
        assertThat(r.scenario().name()).isEqualTo("campus-steady");
        assertThat(r.scenario().backendCount()).isEqualTo(5);
        assertThat(r.scenario().offeredRatePerSecond()).isEqualTo(50.0);
        assertThat(r.isSweep()).isFalse();
        assertThat(r.runs()).extracting(Run::strategy).containsExactly("round-robin", "random", "least-connections",
                "p2c-peak-ewma", "prequal");
        Run p2c = r.runs().get(3);
        assertThat(p2c.spec()).isEqualTo("p2c-peak-ewma +slow-start{window=30s}");
        assertThat(p2c.summary().latencyMs().p99()).isEqualTo(120.511);
        assertThat(p2c.summary().failureRate()).isCloseTo(0.0003, within(1e-12));
        assertThat(p2c.backends()).hasSize(5);
        assertThat(p2c.timeSeries().size()).isEqualTo(60);
        assertThat(p2c.timeSeries().backendUtilisation().keySet()).containsExactly("b0", "b1", "b2", "b3", "b4");
    }

    /** A version 1 file reads as one seed per run; version 2 adds seeds, per-seed summaries and intervals. */
    @Test
    void versionOneHasNoIntervalsAndVersionTwoCarriesThem() throws Exception {
        SimulationResults v1 = read("normal.json", d -> { });
        assertThat(v1.scenario().seeds()).isEqualTo(1);
        assertThat(v1.runs()).allSatisfy(r -> {
            assertThat(r.confidence()).isNull();
            assertThat(r.seeds()).isEqualTo(1);
        });
        SimulationResults v2 = read("normal.json", SimulationResultsReaderTest::asVersionTwo);
        assertThat(v2.scenario().seeds()).isEqualTo(2);
        Run first = v2.runs().get(0);
        assertThat(first.seeds()).isEqualTo(2);
        assertThat(first.perSeed()).extracting(SimulationResults.SeedSummary::seed).containsExactly(42L, 43L);
        assertThat(first.confidence().p99Ms()).isEqualTo(new SimulationResults.Interval(300.0, 290.0, 310.0));
        assertThat(first.confidence().failedShare().bounded()).isFalse();

        assertThatProblem(d -> {
            asVersionTwo(d);
            ((ObjectNode) d.get("runs").get(1)).putNull("confidence");
        }, "runs[1].confidence: is null, expected intervals over the 2 seeds");
        assertThatProblem(d -> {
            asVersionTwo(d);
            ((ObjectNode) d.get("runs").get(0).get("confidence").get("p99Ms")).put("low", 400.0);
        }, "runs[0].confidence.p99Ms: expected low <= mean <= high, got 400.0 <= 300.0 <= 310.0");
        assertThatProblem(d -> {
            asVersionTwo(d);
            ((com.fasterxml.jackson.databind.node.ArrayNode) d.get("runs").get(0).get("perSeed")).remove(1);
        }, "runs[0].perSeed: has 1 entries, expected one per seed (2)");
    }

    private static void assertThatProblem(Consumer<ObjectNode> edit, String message) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> read("normal.json", edit))
                .isInstanceOf(io.sluice.reports.ReportInputException.class).hasMessageEndingWith(message);
    }

    /** The fixture as a two-seed version 2 file (the second seed's summary a copy of the first's). */
    private static void asVersionTwo(ObjectNode d) {
        d.put("schemaVersion", 2);
        ((ObjectNode) d.get("scenario")).put("seeds", 2);
        for (var r : d.get("runs")) {
            ObjectNode run = (ObjectNode) r;
            run.putArray("seeds").add(42).add(43);
            var perSeed = run.putArray("perSeed");
            perSeed.addObject().put("seed", 42).set("summary", run.get("summary").deepCopy());
            perSeed.addObject().put("seed", 43).set("summary", run.get("summary").deepCopy());
            ObjectNode c = run.putObject("confidence");
            c.put("method", "student-t").put("level", 0.95).put("seeds", 2);
            c.putObject("p99Ms").put("mean", 300.0).put("low", 290.0).put("high", 310.0);
            c.putObject("meanMs").put("mean", 20.0).put("low", 19.0).put("high", 21.0);
            c.putObject("failedShare").put("mean", 0.001).putNull("low").putNull("high");
        }
    }

    @Test
    void theDistributionIsDecodedFromTheHistogramAndAgreesWithTheSummary() throws Exception {
        Run rr = read("normal.json", d -> { }).runs().get(0);
        List<Percentile> distribution = rr.latencyHistogram().distribution();
        assertThat(rr.latencyHistogram().percentiles()).hasSize(7);
        assertThat(distribution.size()).isGreaterThan(50);
        Percentile last = distribution.get(distribution.size() - 1);
        assertThat(last.percentile()).isEqualTo(100.0);
        assertThat(last.valueMs()).isEqualTo(rr.summary().latencyMs().max());
        // The iteration steps past 99 % in uneven steps; the summary's p99 lies between the points either side.
        double below = distribution.stream().filter(p -> p.percentile() <= 99).mapToDouble(Percentile::valueMs).max()
                .orElseThrow();
        double above = distribution.stream().filter(p -> p.percentile() >= 99).mapToDouble(Percentile::valueMs).min()
                .orElseThrow();
        assertThat(rr.summary().latencyMs().p99()).isBetween(below, above);
        assertThat(distribution).isSortedAccordingTo((a, b) -> Double.compare(a.percentile(), b.percentile()));
    }

    @Test
    void withoutHistogramDataOrWithAnEmptyHistogramTheWrittenPercentilesAreUsed() throws Exception {
        SimulationResults noData = read("normal.json", d -> histogram(d, 0).putNull("data"));
        assertThat(noData.runs().get(0).latencyHistogram().distribution())
                .isEqualTo(noData.runs().get(0).latencyHistogram().percentiles());

        Histogram empty = new Histogram(3);
        ByteBuffer buffer = ByteBuffer.allocate(empty.getNeededByteBufferCapacity());
        int length = empty.encodeIntoCompressedByteBuffer(buffer);
        String encoded = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
        SimulationResults emptyData = read("normal.json", d -> histogram(d, 1).put("data", encoded));
        assertThat(emptyData.runs().get(1).latencyHistogram().distribution()).hasSize(7);
    }

    @Test
    void theUnitScalesTheDecodedValues() throws Exception {
        double us = read("normal.json", d -> { }).runs().get(0).latencyHistogram().distribution().get(10).valueMs();
        double ms = read("normal.json", d -> histogram(d, 0).put("unit", "ms")).runs().get(0).latencyHistogram()
                .distribution().get(10).valueMs();
        assertThat(ms).isCloseTo(us * 1000, within(1e-6 * ms));
    }

    @Test
    void utilisationFollowsTheBackendsOrderWhateverTheObjectOrder() throws Exception {
        SimulationResults r = read("outage.json", d -> {
            ObjectNode byBackend = (ObjectNode) d.get("runs").get(0).get("timeSeries").get("backendUtilisation");
            ObjectNode reversed = JSON.createObjectNode();
            List.of("b3", "b2", "b1", "b0").forEach(id -> reversed.set(id, byBackend.get(id)));
            ((ObjectNode) d.get("runs").get(0).get("timeSeries")).set("backendUtilisation", reversed);
        });
        assertThat(r.runs().get(0).timeSeries().backendUtilisation().keySet()).containsExactly("b0", "b1", "b2", "b3");
    }

    @Test
    void aSweepKeepsItsParameterAndValues() throws Exception {
        SimulationResults r = read("sweep.json", d -> { });
        assertThat(r.sweep().parameter()).isEqualTo("load");
        assertThat(r.sweep().values()).containsExactly(0.5, 0.7, 0.9);
        assertThat(r.runs()).extracting(Run::sweepValue).containsExactly(0.5, 0.7, 0.9, 0.5, 0.7, 0.9, 0.5, 0.7, 0.9);
    }

    @Test
    void nullsStandForValuesThatDoNotExist() throws Exception {
        SimulationResults r = read("normal.json", d -> {
            ObjectNode s = (ObjectNode) d.get("scenario");
            s.putNull("offeredRatePerSecond");
            ObjectNode summary = (ObjectNode) d.get("runs").get(0).get("summary");
            summary.putNull("affinity");
            ((ObjectNode) summary.get("fairness")).putNull("jainUtilisation");
        });
        assertThat(r.scenario().offeredRatePerSecond()).isNull();
        assertThat(r.runs().get(0).summary().affinityHitRate()).isNull();
        assertThat(r.runs().get(0).summary().jainUtilisation()).isNull();
    }
}
