package io.sluice.config.proxy;

import io.sluice.algorithms.Range;
import io.sluice.algorithms.ratelimit.GcraSpec;
import io.sluice.algorithms.ratelimit.KeySource;
import io.sluice.algorithms.ratelimit.LimitKey;
import io.sluice.algorithms.ratelimit.RateLimit;
import io.sluice.algorithms.ratelimit.TokenBucketSpec;
import io.sluice.config.Problems;
import io.sluice.config.Rate;
import io.sluice.config.proxy.ProtectionSections.AcceptLimitsSection;
import io.sluice.config.proxy.ProtectionSections.RateLimitSection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The validation pass of {@code rate-limits:} and {@code accept-limits:}. */
final class ProtectionReader {
    static final Range BURST = Range.wholeNumber(1, 1_000_000_000);
    static final Range MAX_KEYS = Range.wholeNumber(1, 100_000_000);
    static final String RATE_RANGE = "a rate from 1/day to 1000000/s, " + Rate.FORM;
    static final String KEY_FORMS = "client-ip, cidr:<ipv4 bits>[:<ipv6 bits>] (cidr:24), header:<name>"
            + " (header:x-tenant), route, listener, mqtt-client-id, client-cert or jwt-subject";

    private final Problems problems;

    ProtectionReader(Problems problems) {
        this.problems = problems;
    }

    Protection read(String path, List<RateLimitSection> limits, AcceptLimitsSection accept) {
        return new Protection(rateLimits(Problems.join(path, "rate-limits"), limits),
                acceptLimits(Problems.join(path, "accept-limits"), accept));
    }

    List<Protection.RateLimitRule> rateLimits(String path, List<RateLimitSection> sections) {
        List<Protection.RateLimitRule> out = new ArrayList<>();
        if (sections == null) {
            return out;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < sections.size(); i++) {
            String at = Problems.index(path, i);
            RateLimitSection s = sections.get(i);
            if (s == null) {
                continue;
            }
            LimitKey key = key(Problems.join(at, "key"), s.key());
            String name = s.name() == null ? (key == null ? null : defaultName(s.key()))
                    : Names.name(problems, Problems.join(at, "name"), s.name());
            String algorithm = problems.choice(Problems.join(at, "algorithm"), s.algorithm(),
                    List.of("token-bucket", "gcra"), "token-bucket");
            RateLimit limit = limit(at, s.rate(), s.burst(), "burst", "gcra".equals(algorithm));
            Integer maxKeys = problems.integer(Problems.join(at, "max-keys"), s.maxKeys(), MAX_KEYS, 100_000);
            if (name != null && !names.add(name)) {
                problems.error(Problems.join(at, "name"), "'" + name + "' is already the name of another limit here;"
                        + " give each limit its own name");
                continue;
            }
            if (name != null && key != null && limit != null && maxKeys != null) {
                out.add(new Protection.RateLimitRule(name, limit, key, maxKeys));
            }
        }
        return out;
    }

    private static String defaultName(List<String> key) {
        String joined = key == null || key.isEmpty() ? "client-ip" : String.join("+", key);
        StringBuilder b = new StringBuilder();
        for (char c : joined.toCharArray()) {
            b.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' ? c : c == '+' ? '.' : '-');
        }
        return b.length() > 128 ? b.substring(0, 128) : b.toString();
    }

    Protection.AcceptLimits acceptLimits(String path, AcceptLimitsSection s) {
        if (s == null) {
            return Protection.AcceptLimits.NONE;
        }
        RateLimit listener = s.rate() == null && s.burst() == null ? null
                : limit(path, s.rate(), s.burst(), "burst", false);
        RateLimit source = s.perSource() == null && s.perSourceBurst() == null ? null
                : limit(path, s.perSource(), s.perSourceBurst(), "per-source-burst", false, "per-source");
        Integer max = problems.integer(Problems.join(path, "max-sources"), s.maxSources(), MAX_KEYS, 100_000);
        if (listener == null && source == null && !problems.isBad(Problems.join(path, "rate"))
                && !problems.isBad(Problems.join(path, "per-source"))) {
            problems.error(path, "an accept limit needs rate (for the listener), per-source (for each client"
                    + " address) or both, like rate: 1000/s");
        }
        return new Protection.AcceptLimits(listener, source, max == null ? 100_000 : max);
    }

    private RateLimit limit(String at, Rate rate, Long burst, String burstKey, boolean gcra) {
        return limit(at, rate, burst, burstKey, gcra, "rate");
    }

    /** The limit of {@code rate} with {@code burst} (default one second's worth), or null after an error. */
    private RateLimit limit(String at, Rate rate, Long burst, String burstKey, boolean gcra, String rateKey) {
        String rp = Problems.join(at, rateKey);
        Rate r = problems.required(rp, rate, RATE_RANGE);
        if (r == null) {
            return null;
        }
        double perSecond = r.perSecond();
        if (!(perSecond >= 1.0 / 86_400 && perSecond <= 1_000_000)) {
            problems.error(rp, problems.written(rp) + " is out of range; " + RATE_RANGE);
            return null;
        }
        Long b = problems.wholeNumber(Problems.join(at, burstKey), burst, BURST,
                Math.max(1L, (long) Math.ceil(perSecond)));
        if (b == null) {
            return null;
        }
        // A whole rate per second is exact; any other rate is one permit per (1 s / rate).
        long permits;
        long period;
        if (perSecond >= 1 && perSecond == Math.rint(perSecond)) {
            permits = (long) perSecond;
            period = 1_000_000_000L;
        } else {
            permits = 1;
            period = Math.round(1e9 / perSecond);
        }
        try {
            return gcra ? GcraSpec.fromRate(permits, period, b) : new TokenBucketSpec(permits, period, b);
        } catch (IllegalArgumentException e) {
            problems.error(Problems.join(at, burstKey), e.getMessage());
            return null;
        }
    }

    /** The key's parts, or null after an error. */
    LimitKey key(String path, List<String> parts) {
        if (parts == null || parts.isEmpty()) {
            if (parts != null) {
                problems.error(path, "an empty key; a list of one or more of " + KEY_FORMS);
                return null;
            }
            return LimitKey.of(LimitKey.Part.of(KeySource.CLIENT_IP));
        }
        List<LimitKey.Part> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < parts.size(); i++) {
            String p = parts.get(i);
            String at = Problems.index(path, i);
            LimitKey.Part part = p == null ? null : part(p.trim());
            if (part == null) {
                problems.error(at, "'" + p + "' is not a key; write " + KEY_FORMS);
                ok = false;
            } else {
                out.add(part);
            }
        }
        return ok ? new LimitKey(out) : null;
    }

    static LimitKey.Part part(String text) {
        int colon = text.indexOf(':');
        String head = colon < 0 ? text : text.substring(0, colon);
        String arg = colon < 0 ? null : text.substring(colon + 1);
        KeySource source = KeySource.byConfigName(head);
        if (source == null) {
            return null;
        }
        try {
            return switch (source) {
                case HEADER -> arg == null || !io.sluice.algorithms.policy.AffinityPolicy.isToken(arg) ? null
                        : LimitKey.Part.header(arg);
                case CIDR -> {
                    if (arg == null) {
                        yield null;
                    }
                    String[] bits = arg.split(":", -1);
                    if (bits.length > 2) {
                        yield null;
                    }
                    int v4 = Integer.parseInt(bits[0]);
                    int v6 = bits.length == 2 ? Integer.parseInt(bits[1]) : 64;
                    yield LimitKey.Part.cidr(v4, v6);
                }
                default -> arg == null ? LimitKey.Part.of(source) : null;
            };
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
