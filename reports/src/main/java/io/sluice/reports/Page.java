package io.sluice.reports;

import io.sluice.reports.markup.Markup;
import java.util.List;

/**
 * The HTML document around the sections: inline style (screen and print) and the small inline
 * script that makes tables sortable. Nothing is loaded from anywhere: no external style sheet,
 * script, font or image, so the page opens offline from {@code file://} and makes no request.
 */
final class Page {
    /** A section of the report: its anchor, its title in the contents, and its HTML. */
    record Section(String id, String title, String html) {
    }

    private Page() {
    }

    static String html(String title, String intro, List<Section> sections) {
        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                // Belt and braces: even a link that slipped in could not fetch anything.
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n")
                .append("<title>").append(Markup.escape(title)).append("</title>\n<style>").append(STYLE)
                .append("</style>\n</head>\n<body>\n<main>\n<header><h1>").append(Markup.escape(title)).append("</h1>")
                .append(intro).append("</header>\n");
        if (sections.size() > 1) {
            html.append("<nav class=\"toc\" aria-label=\"Contents\"><ol>");
            for (Section s : sections) {
                html.append("<li><a href=\"#").append(Markup.escape(s.id())).append("\">")
                        .append(Markup.escape(s.title()))
                        .append("</a></li>");
            }
            html.append("</ol></nav>\n");
        }
        for (Section s : sections) {
            html.append("<section id=\"").append(Markup.escape(s.id())).append("\">\n").append(s.html())
                    .append("</section>\n");
        }
        html.append("</main>\n<script>").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return html.toString();
    }

    private static final String STYLE = """
            :root{--fg:#1d2330;--muted:#5b6474;--line:#d9dde5;--head:#f3f5f8;--win:#e6f2e6;--ok:#2e7d32}
            *{box-sizing:border-box}
            body{margin:0;color:var(--fg);background:#fff;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,\
            "DejaVu Sans",Arial,sans-serif}
            main{max-width:1280px;margin:0 auto;padding:20px 28px 60px}
            h1{font-size:1.75em;margin:.2em 0}
            h2{font-size:1.4em;margin:2.2em 0 .6em;padding-bottom:.2em;border-bottom:2px solid var(--line)}
            h3{font-size:1.12em;margin:1.8em 0 .5em}
            p{margin:.5em 0;max-width:75em}
            code{font-size:.92em;background:#f3f4f7;padding:0 .25em;border-radius:3px}
            .muted{color:var(--muted)}
            nav.toc ol{margin:.5em 0 1em;padding-left:1.4em}
            nav.toc a{color:#0b57a4}
            dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 18px;margin:.8em 0}
            dl.facts dt{color:var(--muted)}
            dl.facts dd{margin:0}
            .recommendation{border-left:6px solid var(--ok);background:#f2f8f2;padding:12px 18px;margin:1em 0;\
            border-radius:4px}
            .recommendation .headline{font-size:1.2em;font-weight:600;margin:.2em 0 .4em}
            .recommendation ol{margin:.3em 0 .3em 1.2em;padding:0}
            .panel{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:14px 28px;align-items:start;\
            margin:0 0 30px;break-inside:avoid}
            .panel>*{min-width:0}
            .panel>h3,.panel>p,.panel>.wide{grid-column:1/-1;margin-bottom:0}
            .small-multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(540px,1fr));gap:10px 32px}
            .small-multiples>*{min-width:0}
            .small-multiples .panel{grid-template-columns:minmax(0,1fr)}
            h4{font-size:1em;margin:.4em 0}
            @media (max-width:960px){.panel{grid-template-columns:1fr}}
            svg.chart{display:block;width:100%;max-width:760px;height:auto;font-size:12.5px;font-family:inherit}
            svg.chart text{fill:#3b4352}
            svg.chart text.title{font-size:13.5px;fill:var(--fg)}
            svg.chart text.note{font-size:14px;fill:var(--muted)}
            svg.chart .grid{stroke:#e1e5eb;stroke-width:1}
            svg.chart .grid.minor{stroke:#f0f2f5}
            svg.chart .frame{stroke:#8a93a3;stroke-width:1}
            .line{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
            ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:2px 16px;margin:4px 0 0 8%;padding:0;\
            font-size:13px}
            ul.legend li{display:flex;align-items:center;gap:6px}
            .table-wrap{max-height:460px;overflow:auto;border:1px solid var(--line);border-radius:4px}
            table{border-collapse:collapse;width:100%;font-size:12.5px}
            th,td{padding:3px 7px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
            .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            td:first-child,th,td code{white-space:nowrap}
            thead th{position:sticky;top:0;background:var(--head);font-weight:600}
            th[data-sortable]{cursor:pointer;user-select:none}
            th[data-sortable]:hover,th[data-sortable]:focus{background:#e4e8ef;outline:none}
            th[aria-sort=ascending]::after{content:" \\25B2";font-size:.75em}
            th[aria-sort=descending]::after{content:" \\25BC";font-size:.75em}
            tr.win td{background:var(--win);font-weight:600}
            tr.lose td{background:#fbeaea}
            dl.policies{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 18px;margin:.8em 0}
            details{margin:.6em 0}
            summary{cursor:pointer;color:#0b57a4}
            pre{background:#f6f7f9;border:1px solid var(--line);padding:10px;overflow:auto;font-size:12px}
            footer{margin-top:3em;color:var(--muted);font-size:13px}
            @media print{
            body{font-size:10.5pt}
            main{max-width:none;padding:0}
            nav.toc{display:none}
            h2{break-before:page}
            section:first-of-type h2{break-before:auto}
            .panel{break-inside:avoid}
            .small-multiples{grid-template-columns:minmax(0,1fr)}
            .table-wrap{max-height:none;overflow:visible;border:none}
            table{font-size:7.5pt}
            th,td{padding:1px 3px}
            td:first-child,th,td code{white-space:normal}
            thead th{position:static}
            th[aria-sort]::after{content:none}
            .recommendation{break-inside:avoid}
            .s1{stroke-dasharray:8 4}.s2{stroke-dasharray:2 3}.s3{stroke-dasharray:10 3 2 3}.s4{stroke-dasharray:4 4}
            .s5{stroke-dasharray:12 3}.s6{stroke-dasharray:1 4}.s7{stroke-dasharray:6 2 2 2 2 2}
            .s8{stroke-dasharray:3 6}.s9{stroke-dasharray:14 4 4 4}
            }
            """;

    /**
     * Sortable tables: a click (or Enter) on a header sorts by that column, again to reverse;
     * numbers by their {@code data-v}, text by its content, missing values last either way.
     */
    private static final String SCRIPT = """
            (function () {
              'use strict';
              function key(cell) {
                if (!cell) { return null; }
                var v = cell.getAttribute('data-v');
                if (v !== null) { return v === '' ? null : parseFloat(v); }
                var t = cell.textContent.trim();
                return t === '' ? null : t.toLowerCase();
              }
              function sortBy(table, column, header) {
                var body = table.tBodies[0];
                if (!body) { return; }
                var ascending = header.getAttribute('aria-sort') !== 'ascending';
                var rows = Array.prototype.slice.call(body.rows);
                rows.sort(function (a, b) {
                  var x = key(a.cells[column]), y = key(b.cells[column]);
                  if (x === null || y === null) { return x === y ? 0 : (x === null ? 1 : -1); }
                  var c = (typeof x === 'number' && typeof y === 'number') ? x - y : String(x).localeCompare(String(y));
                  return ascending ? c : -c;
                });
                Array.prototype.forEach.call(header.parentNode.cells, function (th) { th.removeAttribute('aria-sort'); });
                header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
                rows.forEach(function (row) { body.appendChild(row); });
              }
              Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
                var head = table.tHead;
                if (!head || !head.rows.length) { return; }
                Array.prototype.forEach.call(head.rows[0].cells, function (th, column) {
                  th.setAttribute('data-sortable', '');
                  th.tabIndex = 0;
                  th.title = 'Sort by this column';
                  th.addEventListener('click', function () { sortBy(table, column, th); });
                  th.addEventListener('keydown', function (e) {
                    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(table, column, th); }
                  });
                });
              });
            })();
            """;
}
