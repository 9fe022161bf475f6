package io.sluice.reports.chart;

import io.sluice.reports.markup.Markup;
import java.util.List;

/** A chart's legend as an HTML list, each entry with a small swatch of its line or bar style. */
final class Legend {
    record Entry(String label, int colour, boolean bar) {
    }

    private Legend() {
    }

    static String html(List<Entry> entries) {
        StringBuilder html = new StringBuilder("<ul class=\"legend\">");
        for (Entry e : entries) {
            String colour = Palette.colour(e.colour());
            html.append("<li><svg class=\"key\" viewBox=\"0 0 28 12\" width=\"28\" height=\"12\" aria-hidden=\"true\">");
            if (e.bar()) {
                html.append("<rect x=\"6\" y=\"1\" width=\"16\" height=\"10\" fill=\"").append(colour).append("\"/>");
            } else {
                html.append("<path class=\"line ").append(Palette.dashClass(e.colour()))
                        .append("\" d=\"M1 6 L27 6\" stroke=\"").append(colour).append("\"/>");
            }
            html.append("</svg>").append(Markup.escape(e.label())).append("</li>");
        }
        return html.append("</ul>").toString();
    }
}
