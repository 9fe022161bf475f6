package io.sluice.config;

/**
 * A size in bytes, written as a whole number of bytes or a number with B, KB, KiB, MB, MiB, GB or
 * GiB: {@code 8KiB}, {@code 10MiB}, {@code 2 GB}.
 *
 * @param bytes the size, &gt;= 0
 */
public record ByteSize(long bytes) {
    /** What a size may be, for messages. */
    public static final String FORM = "bytes, or a whole number with B, KB, KiB, MB, MiB, GB or GiB, like 8KiB";

    /** The size {@code text} denotes, or -1 when it is not a size. */
    public static long parse(String text) {
        String t = text.trim();
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0 || i > 15) {
            return -1;
        }
        long number = Long.parseLong(t.substring(0, i));
        long scale = switch (t.substring(i).trim()) {
            case "", "B" -> 1L;
            case "KB" -> 1000L;
            case "KiB" -> 1L << 10;
            case "MB" -> 1000_000L;
            case "MiB" -> 1L << 20;
            case "GB" -> 1000_000_000L;
            case "GiB" -> 1L << 30;
            default -> -1L;
        };
        return scale < 0 ? -1 : number * scale;
    }
}
