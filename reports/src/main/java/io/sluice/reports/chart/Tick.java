package io.sluice.reports.chart;

/**
 * A mark on an axis.
 *
 * @param value where it is, in data units
 * @param label its text, empty for an unlabelled grid line
 * @param major whether it is a main division (drawn darker)
 */
public record Tick(double value, String label, boolean major) {
}
