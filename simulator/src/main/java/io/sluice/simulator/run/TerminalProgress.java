package io.sluice.simulator.run;

import java.io.PrintStream;
import java.util.Locale;

/** See {@link Progress#terminal}. Called from one thread at a time (the runner's timer, then its caller). */
final class TerminalProgress implements Progress {
    private final PrintStream out;
    private int width;

    TerminalProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void update(Snapshot s) {
        String line = line(s);
        // Pad over a longer previous line, then return to the start of the line.
        out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
        out.flush();
        width = line.length();
    }

    @Override
    public synchronized void finish(Snapshot s) {
        if (width > 0) {
            out.print("\r" + " ".repeat(width) + "\r");
            out.flush();
            width = 0;
        }
    }

    static String line(Snapshot s) {
        return String.format(Locale.ROOT, "%3d%% (%d/%d runs) %s events/s, ETA %s", (int) Math.floor(s.fraction() * 100),
                s.runsDone(), s.runs(), si(s.eventsPerSecond()), s.etaNanos() < 0 ? "?" : clock(s.etaNanos()));
    }

    /** 950, 12.3k, 4.56M. */
    static String si(double v) {
        if (v >= 1e9) {
            return String.format(Locale.ROOT, "%.2fG", v / 1e9);
        }
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    /** 0:07, 12:34, 1:02:03. */
    static String clock(long nanos) {
        long s = Math.round(nanos / 1e9);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
