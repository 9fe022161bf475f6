package io.sluice.reports.chart;

/**
 * Series colours: Tableau 10, chosen because neighbouring colours stay distinct for the common
 * colour-vision deficiencies and on grey print. For print in black and white each series also has
 * a dash class {@code s0}..{@code s9} that the page's print style gives a dash pattern.
 */
public final class Palette {
    private static final String[] COLOURS = {
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"
    };

    private Palette() {
    }

    /** Number of distinct colours before they repeat. */
    public static int size() {
        return COLOURS.length;
    }

    /** The colour of series {@code index} (any index; colours repeat after {@link #size()}). */
    public static String colour(int index) {
        return COLOURS[Math.floorMod(index, COLOURS.length)];
    }

    /** The CSS class that gives series {@code index} its dash pattern in print. */
    public static String dashClass(int index) {
        return "s" + Math.floorMod(index, COLOURS.length);
    }
}
