package io.sluice.proxy;

/** One series of a proxy's Prometheus scrape, read the way an operator's query would. */
final class Scrape {
    private Scrape() {
    }

    /** The value of {@code series} (name and labels, as printed), or {@code absent} when it is not there. */
    static double value(Proxy p, String series, double absent) {
        for (String line : p.metrics().scrapeText().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        return absent;
    }
}
