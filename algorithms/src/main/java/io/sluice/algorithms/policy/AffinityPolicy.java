package io.sluice.algorithms.policy;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Durations;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.SettingException;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.StrategySpec;
import io.sluice.algorithms.affinity.AffinityConfig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How a cluster ties a client's requests to one backend (the {@code session-persistence} section).
 * Immutable, compared by value; {@link #builder()} rejects bad values with a {@link SettingException}.
 *
 * <pre>
 *   mode          none            none | cookie | header | source | client-cert
 *   name          SLUICE_BACKEND  the cookie (cookie) or request header (header) name; an RFC 9110 token
 *   identity      fingerprint     client-cert: fingerprint | subject | uri | dns, the part of the
 *                                 verified client certificate that is the key
 *   stick-table   true            header/source with a strategy that does not hash: keep a table
 *   idle-ttl      30m             the table forgets a key idle this long (1ms to 7 days)
 *   max-entries   100000          ...and holds at most this many keys
 *   stripes       16              ...in this many independently locked parts
 * </pre>
 *
 * <h2>The rule, for both runtimes</h2>
 * <ul>
 *   <li>{@code cookie}: the first response inserts a cookie naming its backend (HAProxy's
 *       {@code cookie insert}); a request carrying it goes there while that backend is available.</li>
 *   <li>{@code header}, {@code source}, {@code client-cert}: the header's value, the client address
 *       or the {@link Identity} of the verified TLS client certificate is the request's affinity key
 *       (a request without one, such as a connection without a client certificate, is placed by the
 *       strategy alone). A strategy that hashes the key ({@link #hashesKey}: the consistent hashes) is
 *       given it and the hash is the memory, as Envoy's {@code hash_policy}. Any other strategy
 *       ignores keys, so the key goes through an affinity table instead ({@link #usesTable}), as
 *       HAProxy's {@code stick-table}: a key's first request is placed by the strategy and later
 *       ones follow it while that backend is available; unless {@code stick-table} is false, which
 *       gives Envoy's behaviour (no memory for a strategy that does not hash).</li>
 * </ul>
 * In the simulator a request's device id plays the client: it is the header's value, the client
 * address, the certificate's identity, or the holder of the cookie.
 */
public final class AffinityPolicy {
    /** How a request is tied to a backend. */
    public enum Mode {
        /** No affinity: the strategy alone picks, and hashing strategies get no key (they pick at random). */
        NONE,
        /** An inserted cookie naming the backend. */
        COOKIE,
        /** The value of a request header is the affinity key. */
        HEADER,
        /** The client address is the affinity key. */
        SOURCE,
        /** The verified TLS client certificate's {@link Identity} is the affinity key. */
        CLIENT_CERT;

        /** The name in config files: {@code none}, {@code cookie}, ..., {@code client-cert}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * Which part of a verified client certificate is the key in {@code client-cert} mode. The
     * fingerprint (the default) is in every certificate and unique to it, but changes when the
     * device's certificate is renewed; the subject or a SAN stays the same across a renewal when
     * the CA issues it so, and then the device keeps its backend.
     */
    public enum Identity {
        /** SHA-256 of the DER certificate, lower-case hex. */
        FINGERPRINT,
        /** The subject distinguished name (RFC 2253). */
        SUBJECT,
        /** The first URI subject alternative name (a SPIFFE id, say); none: no key. */
        URI,
        /** The first DNS subject alternative name; none: no key. */
        DNS;

        /** The name in config files. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final String DEFAULT_NAME = "SLUICE_BACKEND";
    private static final AffinityPolicy NONE = builder().build();

    private final Mode mode;
    private final String name;
    private final boolean stickTable;
    private final AffinityConfig table;
    private final Identity identity;

    private AffinityPolicy(Builder b) {
        this.mode = b.mode;
        this.name = b.name;
        this.identity = b.identity;
        this.stickTable = b.stickTable;
        this.table = b.table.build();
    }

    /** Mode none: the default. */
    public static AffinityPolicy none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Mode mode() {
        return mode;
    }

    /** The cookie or header name. */
    public String name() {
        return name;
    }

    /** In client-cert mode, the part of the certificate that is the key. */
    public Identity identity() {
        return identity;
    }

    /** Whether a strategy that does not hash keeps an affinity table in header and source modes. */
    public boolean stickTable() {
        return stickTable;
    }

    /** The affinity table's settings. */
    public AffinityConfig table() {
        return table;
    }

    /** True in header, source and client-cert modes, where each request may carry an affinity key. */
    public boolean keyed() {
        return mode == Mode.HEADER || mode == Mode.SOURCE || mode == Mode.CLIENT_CERT;
    }

    /**
     * Whether keys go through an affinity table: keyed, with a table wanted, and a strategy that
     * does not hash the key.
     */
    public boolean usesTable(boolean strategyHashesKey) {
        return keyed() && stickTable && !strategyHashesKey;
    }

    /** Whether the strategy is given the key: keyed and no table in between. */
    public boolean keyToStrategy(boolean strategyHashesKey) {
        return keyed() && !usesTable(strategyHashesKey);
    }

    /**
     * Whether {@code spec}'s strategy places a request by its affinity key, as the consistent
     * hashes do. The strategy is asked by its behaviour, so a custom hashing strategy counts too:
     * a picker over {@value #PROBE_BACKENDS} made-up backends, in a virtual environment of its own,
     * is asked for {@value #PROBE_KEYS} keys twice each. A hash answers every key the same both
     * times and spreads the keys over at least two backends; round robin and random strategies
     * answer a key differently the second time, and a strategy blind to the key (least
     * connections over idle backends) gives every key the same backend.
     *
     * @return false also when the registry refuses the spec
     */
    public static boolean hashesKey(StrategySpec spec, StrategyRegistry registry) {
        Environment probe = Environment.virtual(() -> 0L, 1L);
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < PROBE_BACKENDS; i++) {
            endpoints.add(Endpoint.healthy(Backend.of("probe-" + i, "127.0.0.1:" + (i + 1)), probe));
        }
        Picker picker;
        try {
            picker = registry.create(spec, probe).newPicker(EndpointSet.of(endpoints));
        } catch (RuntimeException refused) {
            return false;
        }
        Set<String> used = new HashSet<>();
        for (int k = 0; k < PROBE_KEYS; k++) {
            RequestContext ctx = RequestContext.ofKey("probe-key-" + k);
            Endpoint first = picker.pick(ctx);
            Endpoint second = picker.pick(ctx);
            if (first == null || second == null || !first.id().equals(second.id())) {
                return false;
            }
            used.add(first.id());
        }
        return used.size() > 1;
    }

    private static final int PROBE_BACKENDS = 8;
    private static final int PROBE_KEYS = 16;

    /** RFC 9110 token: the alphabet of methods, header names and cookie names. */
    public static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 128 || !(Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AffinityPolicy p && mode == p.mode && name.equals(p.name) && stickTable == p.stickTable
                && table.equals(p.table) && identity == p.identity;
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, name, stickTable, table, identity);
    }

    @Override
    public String toString() {
        return switch (mode) {
            case NONE -> "no affinity";
            case COOKIE -> "cookie " + name;
            case HEADER, SOURCE, CLIENT_CERT -> mode.configName() + (mode == Mode.HEADER ? " " + name : "")
                    + (mode == Mode.CLIENT_CERT ? " " + identity.configName() : "")
                    + (stickTable ? ", table idle-ttl " + Durations.format(table.idleTtlNanos()) : ", no table");
        };
    }

    /** Collects settings. */
    public static final class Builder {
        private Mode mode = Mode.NONE;
        private String name = DEFAULT_NAME;
        private boolean stickTable = true;
        private Identity identity = Identity.FINGERPRINT;
        private final AffinityConfig.Builder table = AffinityConfig.builder();

        private Builder() {
        }

        public Builder mode(Mode m) {
            this.mode = Objects.requireNonNull(m, "mode");
            return this;
        }

        /** @param n a cookie or header name: an RFC 9110 token (letters, digits and !#$%&'*+-.^_`|~) */
        public Builder name(String n) {
            Objects.requireNonNull(n, "name");
            if (!isToken(n)) {
                throw new SettingException("name", "'" + n + "' is not a valid cookie or header name (letters, digits"
                        + " and !#$%&'*+-.^_`|~)");
            }
            this.name = n;
            return this;
        }

        /** The part of the client certificate that is the key in client-cert mode; default fingerprint. */
        public Builder identity(Identity i) {
            this.identity = Objects.requireNonNull(i, "identity");
            return this;
        }

        public Builder stickTable(boolean keep) {
            this.stickTable = keep;
            return this;
        }

        public Builder idleTtl(long nanos) {
            table.idleTtl(nanos);
            return this;
        }

        public Builder maxEntries(int n) {
            table.maxEntries(n);
            return this;
        }

        public Builder stripes(int n) {
            table.stripes(n);
            return this;
        }

        public AffinityPolicy build() {
            return new AffinityPolicy(this);
        }
    }
}
