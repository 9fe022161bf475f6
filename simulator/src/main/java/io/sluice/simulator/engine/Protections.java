package io.sluice.simulator.engine;

import io.sluice.algorithms.concurrency.AdaptiveConcurrencyLimit;
import io.sluice.algorithms.concurrency.GradientLimit;
import io.sluice.algorithms.ratelimit.KeyInputs;
import io.sluice.algorithms.ratelimit.KeyedLimit;
import io.sluice.algorithms.ratelimit.LimitChain;
import io.sluice.config.proxy.Protection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What stands between an arrival and its first pick at each load-balancer instance: the tier's rate
 * limits ({@link LimitChain} of the proxy's {@link KeyedLimit}s, in virtual time) and the cluster's
 * adaptive concurrency limit ({@link GradientLimit}), one set per instance as a fleet of proxies
 * would each hold their own. The classes are the proxy's; only the key inputs are the simulator's.
 *
 * <p><b>Keys.</b> A simulated request knows one identity, its device id. Every key part that names
 * the client reads it: {@code mqtt-client-id}, {@code client-cert}, {@code jwt-subject} and any
 * {@code header:<name>} are the device id; {@code client-ip} is a synthetic IPv4 address
 * {@code 10.x.y.z} from the device's index (so {@code cidr:24} groups 256 devices); {@code route}
 * and {@code listener} are {@code default}, one budget for the tier. A request without a device
 * has the address 0.0.0.0 and an empty id: all of them share one budget.
 *
 * <p>Not thread-safe: one engine's.
 */
final class Protections {
    private static final byte WELL_BEHAVED = 1;
    private static final byte MISBEHAVING = 2;

    private final LimitChain[] chains;
    private final AdaptiveConcurrencyLimit[] concurrency;
    private final String misbehavingPrefix;
    private byte[] cohort = new byte[256];
    private final DeviceKey key = new DeviceKey();

    Protections(SimulationConfig config) {
        int instances = config.loadBalancer().instances();
        List<Protection.RateLimitRule> rules = config.loadBalancer().rateLimits();
        chains = rules.isEmpty() ? null : new LimitChain[instances];
        GradientLimit.Settings settings = config.policy().adaptiveConcurrency().orElse(null);
        concurrency = settings == null ? null : new AdaptiveConcurrencyLimit[instances];
        for (int k = 0; k < instances; k++) {
            if (chains != null) {
                List<KeyedLimit> limits = new ArrayList<>(rules.size());
                for (Protection.RateLimitRule r : rules) {
                    limits.add(new KeyedLimit(r.name(), r.key(), r.limit(), r.maxKeys()));
                }
                chains[k] = new LimitChain(limits);
            }
            if (concurrency != null) {
                concurrency[k] = AdaptiveConcurrencyLimit.gradient(settings);
            }
        }
        misbehavingPrefix = config.misbehavingDevices();
    }

    /** Whether results count the well-behaved devices apart. */
    boolean tracksCohort() {
        return misbehavingPrefix != null;
    }

    /** Whether device {@code d} (-1: none) is outside the misbehaving prefix. */
    boolean wellBehaved(int d, String id) {
        if (misbehavingPrefix == null || d < 0) {
            return true;
        }
        if (d >= cohort.length) {
            cohort = Arrays.copyOf(cohort, Math.max(d + 1, cohort.length * 2));
        }
        if (cohort[d] == 0) {
            cohort[d] = id.startsWith(misbehavingPrefix) ? MISBEHAVING : WELL_BEHAVED;
        }
        return cohort[d] == WELL_BEHAVED;
    }

    /** As {@link #wellBehaved(int, String)} for a device already seen by it. */
    boolean wellBehaved(int d) {
        return misbehavingPrefix == null || d < 0 || cohort[d] == WELL_BEHAVED;
    }

    /** Whether the rate limits of instance {@code lb} let a request of device {@code d} ({@code id}) through. */
    boolean rateAdmits(int lb, int d, String id, long nowNanos) {
        if (chains == null) {
            return true;
        }
        key.index = d;
        key.id = id == null ? "" : id;
        return chains[lb].admit(key, nowNanos).granted();
    }

    /** Whether instance {@code lb} takes one more request in flight; if so, {@link #release} must follow. */
    boolean concurrencyAdmits(int lb) {
        return concurrency == null || concurrency[lb].tryAcquire();
    }

    /**
     * Ends a request admitted at {@code lb}.
     *
     * @param rttNanos its time from arrival to answer, or -1 when the answer says nothing of the
     *                 cluster's latency (a backend that was down or a full queue answering at once)
     */
    void release(int lb, long rttNanos) {
        if (concurrency != null) {
            concurrency[lb].release(rttNanos);
        }
    }

    /** The current concurrency limit of instance {@code lb}, or -1 without one. */
    int concurrencyLimit(int lb) {
        return concurrency == null ? -1 : concurrency[lb].limit();
    }

    /** The key inputs of one request, reused: see the class comment. */
    private static final class DeviceKey implements KeyInputs {
        int index;
        String id;
        private final byte[] address = new byte[4];

        @Override
        public byte[] clientAddress() {
            if (index < 0) {
                Arrays.fill(address, (byte) 0);
            } else {
                address[0] = 10;
                address[1] = (byte) (index >>> 16);
                address[2] = (byte) (index >>> 8);
                address[3] = (byte) index;
            }
            return address;
        }

        @Override
        public String header(String name) {
            return id;
        }

        @Override
        public String route() {
            return "default";
        }

        @Override
        public String listener() {
            return "default";
        }

        @Override
        public String mqttClientId() {
            return id;
        }

        @Override
        public String clientCertificate() {
            return id;
        }

        @Override
        public String jwtSubject() {
            return id;
        }
    }
}
