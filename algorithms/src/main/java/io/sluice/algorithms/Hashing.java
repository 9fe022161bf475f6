package io.sluice.algorithms;

/**
 * The 64-bit hash every hashing strategy uses for affinity keys and backend ids, so that one key
 * maps to the same backend in the proxy, the simulator and across restarts.
 *
 * <p>FNV-1a over the UTF-16 code units, then the MurmurHash3 64-bit finaliser ({@code fmix64}).
 * FNV-1a alone mixes its low bits poorly for short keys that differ only in their last character
 * (device ids such as {@code dev-0001}, {@code dev-0002}); the finaliser's avalanche fixes that,
 * so the top bits (used by ring lookups) and the low bits (used by modulo) are both uniform.
 */
public final class Hashing {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Hashing() {
    }

    /** Hash of a key; stable across JVMs and versions of Sluice. */
    public static long hash64(CharSequence key) {
        long h = FNV_OFFSET;
        for (int i = 0, n = key.length(); i < n; i++) {
            h ^= key.charAt(i);
            h *= FNV_PRIME;
        }
        return mix64(h);
    }

    /** Hash of a key salted with a number (ring replicas, Maglev offsets and skips, rendezvous). */
    public static long hash64(CharSequence key, long salt) {
        return mix64(hash64(key) ^ mix64(salt + 0x9e3779b97f4a7c15L));
    }

    /** MurmurHash3's {@code fmix64}: a bijective avalanche of 64 bits. */
    public static long mix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
