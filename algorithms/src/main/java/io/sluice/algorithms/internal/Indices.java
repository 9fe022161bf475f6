package io.sluice.algorithms.internal;

/**
 * Maps random bits or a 64-bit hash onto {@code [0, n)} on the pick path: no allocation, no
 * rejection loop, one multiplication or one division.
 */
public final class Indices {
    private Indices() {
    }

    /**
     * Maps 32 uniform bits ({@code 0 <= bits32 < 2^32}) onto {@code [0, n)} by multiply-shift
     * (Lemire, "Fast Random Integer Generation in an Interval", ACM TOMACS 2019, without the
     * rejection step): off from uniform by at most {@code n / 2^32} per value (2.3e-7 at 1000
     * backends), far below anything a test or a fleet could notice, and it lets one 64-bit draw
     * serve two choices. Example: n = 7, bits32 = 2^31 (a half) gives floor(7 / 2) = 3.
     */
    public static int multiplyShift(long bits32, int n) {
        return (int) ((bits32 * n) >>> 32);
    }

    /**
     * {@code h mod m} with {@code h} read as an unsigned 64-bit number, for {@code 0 < m < 2^31}.
     *
     * <p>{@link Long#remainderUnsigned} on JDK 17 falls back to {@link java.math.BigInteger} for
     * negative {@code h} (half of all hashes), which allocates on the pick path. Instead: halve
     * {@code h} so it is non-negative, divide signed, double the quotient; the estimate
     * {@code q = 2 * floor((h >>> 1) / m)} is at most one short of the true quotient, so
     * {@code r = h - q * m} lies in {@code [0, 2m)} and one conditional subtraction finishes
     * (Warren, Hacker's Delight, 2nd ed., section 9-3). One 64-bit division, no allocation.
     * Example: h = 2^64 - 1 (the long -1), m = 7: h >>> 1 = 2^63 - 1, which 7 divides, so
     * q = 2 (2^63 - 1) / 7 and q * 7 = 2^64 - 2; r = 1, and indeed 2^64 = 8^21 * 2 = 2 (mod 7).
     */
    public static int unsignedMod(long h, int m) {
        long q = ((h >>> 1) / m) << 1;
        long r = h - q * m;
        if (Long.compareUnsigned(r, m) >= 0) {
            r -= m;
        }
        return (int) r;
    }
}
