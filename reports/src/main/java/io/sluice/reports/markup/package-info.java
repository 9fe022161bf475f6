/** Text shared by the HTML page and the SVG charts inside it: the one escaper both use. */
package io.sluice.reports.markup;
