package io.sluice.algorithms;

/**
 * What a pick may know of the request: an optional affinity key (a session id, a client address,
 * an MQTT client id, an IoT device id) and its hash. Immutable; build one per request, or reuse
 * {@link #NONE} for requests without affinity.
 */
public final class RequestContext {
    /** A request with no affinity key. Hashing strategies pick as if the key were empty. */
    public static final RequestContext NONE = new RequestContext(null, 0L);

    private final String affinityKey;
    private final long keyHash;

    private RequestContext(String affinityKey, long keyHash) {
        this.affinityKey = affinityKey;
        this.keyHash = keyHash;
    }

    /** A request carrying an affinity key; its hash is computed once, here. */
    public static RequestContext ofKey(String affinityKey) {
        if (affinityKey == null) {
            return NONE;
        }
        return new RequestContext(affinityKey, Hashing.hash64(affinityKey));
    }

    /** A request whose key hash the caller already has (the simulator hashes each device id once). */
    public static RequestContext ofHash(String affinityKey, long keyHash) {
        return new RequestContext(affinityKey, keyHash);
    }

    /** The affinity key, or null. */
    public String affinityKey() {
        return affinityKey;
    }

    public boolean hasKey() {
        return affinityKey != null;
    }

    /** {@link Hashing#hash64(CharSequence)} of the key, 0 when there is none. */
    public long keyHash() {
        return keyHash;
    }

    @Override
    public String toString() {
        return affinityKey == null ? "RequestContext{}" : "RequestContext{key=" + affinityKey + "}";
    }
}
