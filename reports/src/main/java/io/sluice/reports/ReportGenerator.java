package io.sluice.reports;

import io.sluice.reports.markup.Markup;
import io.sluice.reports.simulation.SimulationResults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns results files into one static HTML report: {@code index.html}, self-contained (inline
 * style, inline SVG charts drawn here, a few lines of inline script for sortable tables), so it
 * opens offline from {@code file://}, makes no network request, and prints.
 *
 * <p>Inputs are told apart by their JSON ({@code InputKind}): simulator results
 * ({@code "schema": "sluice.simulation-results"}; a folder means its {@code results.json}) each
 * get a section with a recommendation, its rule and its evidence; JMH JSON files together get one
 * pick-cost section. Any problem with an input stops the report with a
 * {@link ReportInputException} naming the file and the JSON path of the field.
 *
 * <p>The same inputs give the same bytes: the report holds no time stamp and no host name.
 */
public final class ReportGenerator {
    /** The report's file name inside the output folder. */
    public static final String INDEX = "index.html";

    private ReportGenerator() {
    }

    /**
     * Reads {@code inputs} and writes {@code outDir/index.html}, creating the folder.
     *
     * @param inputs results files in the order their sections should appear (JMH files are
     *               gathered into one section after the simulations)
     * @return the written {@code index.html}
     * @throws ReportInputException when an input is missing, not JSON, of an unknown kind, or has a
     *                              bad field: the message names the file and the JSON path
     * @throws UncheckedIOException when the report cannot be written
     */
    public static Path generate(List<Path> inputs, Path outDir) {
        String html = render(inputs);
        Path index = outDir.resolve(INDEX);
        try {
            Files.createDirectories(outDir);
            Files.writeString(index, html, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + index + ": " + e.getMessage(), e);
        }
        return index;
    }

    /**
     * The report's HTML for {@code inputs}, without writing anything.
     *
     * @throws ReportInputException as {@link #generate}
     */
    public static String render(List<Path> inputs) {
        if (inputs.isEmpty()) {
            throw new ReportInputException("no results files given");
        }
        List<Input> read = new ArrayList<>();
        for (Path p : inputs) {
            read.add(InputKind.read(p));
        }
        return html(read);
    }

    static String html(List<Input> inputs) {
        List<Page.Section> sections = new ArrayList<>();
        List<Input.Jmh> jmh = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        List<String> scenarioNames = new ArrayList<>();
        for (Input in : inputs) {
            if (in instanceof Input.Simulation sim) {
                SimulationResults results = sim.results();
                scenarioNames.add(results.scenario().name());
                Page.Section comparison = ComparisonSection.render(results, sim.comparison(), uniqueId("compare-"
                        + Html.slug(results.scenario().name()), ids));
                if (comparison != null) {
                    sections.add(comparison);
                }
                Page.Section protection = ProtectionSection.render(results, sim.protection(), uniqueId("protection-"
                        + Html.slug(results.scenario().name()), ids));
                if (protection != null) {
                    sections.add(protection);
                }
                sections.add(SimulationSection.render(results, uniqueId("scenario-" + Html.slug(
                        results.scenario().name()), ids)));
            } else if (in instanceof Input.Jmh j) {
                jmh.add(j);
            }
        }
        if (!jmh.isEmpty()) {
            sections.add(JmhSection.render(jmh, uniqueId("pick-cost", ids)));
        }
        String title = scenarioNames.size() == 1 ? "Sluice report: " + scenarioNames.get(0) : "Sluice report";
        String intro = "<p class=\"muted\">Made by <code>sluice report</code> from "
                + Markup.escape(String.join(", ", inputs.stream().map(Input::source).toList()))
                + ". Tables sort by a click on a column header.</p>";
        return Page.html(title, intro, sections);
    }

    private static String uniqueId(String base, Set<String> taken) {
        String id = base;
        for (int n = 2; !taken.add(id); n++) {
            id = base + "-" + n;
        }
        return id;
    }
}
