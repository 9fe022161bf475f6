package io.sluice.reports;

import io.sluice.reports.markup.Markup;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTML table the page's script can sort by clicking a header (class {@code sortable}); every
 * numeric cell carries its exact value in {@code data-v}, so sorting is numeric whatever the
 * display format. Without the script the table reads as written, in its given order.
 */
final class Table {
    /** A cell: its HTML and the value it sorts by (empty to sort by its text). */
    record Cell(String html, String sortKey, boolean numeric) {
        static Cell text(String text) {
            return new Cell(Markup.escape(text), "", false);
        }

        static Cell html(String html) {
            return new Cell(html, "", false);
        }

        /** A number shown as {@code shown}, sorted by {@code value} (missing when null). */
        static Cell number(Double value, String shown) {
            return new Cell(Markup.escape(shown), Html.key(value), true);
        }

        static Cell count(long value) {
            return new Cell(Markup.escape(Html.count(value)), Long.toString(value), true);
        }
    }

    private record Column(String header, boolean numeric) {
    }

    private final String kind;
    private final List<Column> columns = new ArrayList<>();
    private final List<List<Cell>> rows = new ArrayList<>();
    private final List<String> rowClasses = new ArrayList<>();

    /** @param kind written as {@code data-table}, so a test can find the table */
    Table(String kind) {
        this.kind = kind;
    }

    Table text(String header) {
        columns.add(new Column(header, false));
        return this;
    }

    Table number(String header) {
        columns.add(new Column(header, true));
        return this;
    }

    Table row(List<Cell> cells) {
        return row(cells, "");
    }

    /** @param cssClass a class for the row ({@code win} highlights the recommendation) */
    Table row(List<Cell> cells, String cssClass) {
        if (cells.size() != columns.size()) {
            throw new IllegalArgumentException(cells.size() + " cells for " + columns.size() + " columns");
        }
        rows.add(List.copyOf(cells));
        rowClasses.add(cssClass);
        return this;
    }

    String html() {
        StringBuilder html = new StringBuilder("<div class=\"table-wrap\"><table class=\"sortable\" data-table=\"")
                .append(Markup.escape(kind)).append("\"><thead><tr>");
        for (Column c : columns) {
            html.append(c.numeric() ? "<th scope=\"col\" class=\"num\">" : "<th scope=\"col\">")
                    .append(Markup.escape(c.header())).append("</th>");
        }
        html.append("</tr></thead><tbody>");
        for (int r = 0; r < rows.size(); r++) {
            String cls = rowClasses.get(r);
            html.append(cls.isEmpty() ? "<tr>" : "<tr class=\"" + Markup.escape(cls) + "\">");
            for (Cell cell : rows.get(r)) {
                html.append("<td");
                if (cell.numeric()) {
                    html.append(" class=\"num\"");
                }
                if (!cell.sortKey().isEmpty() || cell.numeric()) {
                    html.append(" data-v=\"").append(Markup.escape(cell.sortKey())).append('"');
                }
                html.append('>').append(cell.html()).append("</td>");
            }
            html.append("</tr>");
        }
        return html.append("</tbody></table></div>").toString();
    }
}
