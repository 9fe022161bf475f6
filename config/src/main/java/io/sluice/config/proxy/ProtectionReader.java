package io.sluice.config.proxy;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.sluice.algorithms.Range;
import io.sluice.algorithms.filter.Cidr;
import io.sluice.algorithms.filter.FilterRule;
import io.sluice.algorithms.ratelimit.GcraSpec;
import io.sluice.algorithms.ratelimit.KeySource;
import io.sluice.algorithms.ratelimit.LimitKey;
import io.sluice.algorithms.ratelimit.RateLimit;
import io.sluice.algorithms.ratelimit.TokenBucketSpec;
import io.sluice.config.Problems;
import io.sluice.config.Rate;
import io.sluice.config.proxy.ProtectionSections.AcceptLimitsSection;
import io.sluice.config.proxy.ProtectionSections.FilterMatchSection;
import io.sluice.config.proxy.ProtectionSections.FilterSection;
import io.sluice.config.proxy.ProtectionSections.RateLimitSection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;

/**
 * The validation pass of {@code filters:}, {@code rate-limits:} and {@code accept-limits:}; the
 * simulator reads a scenario's {@code load-balancer.rate-limits} with {@link #rateLimits} too, so
 * both runtimes accept the same entries with the same errors.
 */
public final class ProtectionReader {
    static final Range BURST = Range.wholeNumber(1, 1_000_000_000);
    static final Range MAX_KEYS = Range.wholeNumber(1, 100_000_000);
    static final String RATE_RANGE = "a rate from 1/day to 1000000/s, " + Rate.FORM;
    static final String KEY_FORMS = "client-ip, cidr:<ipv4 bits>[:<ipv6 bits>] (cidr:24), header:<name>"
            + " (header:x-tenant), route, listener, mqtt-client-id, client-cert or jwt-subject";

    private final Problems problems;

    public ProtectionReader(Problems problems) {
        this.problems = problems;
    }

    Protection read(String path, List<FilterSection> filters, List<RateLimitSection> limits,
                    AcceptLimitsSection accept) {
        return new Protection(filters(Problems.join(path, "filters"), filters),
                rateLimits(Problems.join(path, "rate-limits"), limits),
                acceptLimits(Problems.join(path, "accept-limits"), accept));
    }

    static final Range STATUS = Range.wholeNumber(400, 599);

    List<FilterRule> filters(String path, List<FilterSection> sections) {
        List<FilterRule> out = new ArrayList<>();
        if (sections == null) {
            return out;
        }
        for (int i = 0; i < sections.size(); i++) {
            String at = Problems.index(path, i);
            FilterSection s = sections.get(i);
            if (s == null) {
                continue;
            }
            String name = s.name() == null ? String.valueOf(i) : Names.name(problems, Problems.join(at, "name"), s.name());
            String action = problems.choice(Problems.join(at, "action"), s.action(), List.of("deny", "allow"), null);
            Integer status = problems.integer(Problems.join(at, "status"), s.status(), STATUS, 403);
            FilterRule.Match match = filterMatch(Problems.join(at, "match"), s.match());
            if (name != null && action != null && status != null && match != null) {
                out.add(new FilterRule(name, match, "deny".equals(action) ? FilterRule.Action.DENY
                        : FilterRule.Action.ALLOW, status));
            }
        }
        return out;
    }

    private FilterRule.Match filterMatch(String path, FilterMatchSection m) {
        if (m == null) {
            return FilterRule.Match.ANY;
        }
        boolean ok = true;
        List<Cidr> sources = new ArrayList<>();
        if (m.source() != null) {
            for (int i = 0; i < m.source().size(); i++) {
                String c = m.source().get(i);
                try {
                    sources.add(Cidr.parse(c == null ? "" : c));
                } catch (IllegalArgumentException e) {
                    problems.error(Problems.index(Problems.join(path, "source"), i), e.getMessage());
                    ok = false;
                }
            }
        }
        List<String> methods = new ArrayList<>();
        if (m.methods() != null) {
            for (int i = 0; i < m.methods().size(); i++) {
                String x = m.methods().get(i);
                if (x == null || !io.sluice.algorithms.policy.AffinityPolicy.isToken(x)) {
                    problems.error(Problems.index(Problems.join(path, "methods"), i), "'" + x + "' is not an HTTP method");
                    ok = false;
                } else {
                    methods.add(x.toUpperCase(java.util.Locale.ROOT));
                }
            }
        }
        Pattern pathRegex = regex(Problems.join(path, "path-regex"), m.pathRegex());
        ok &= m.pathRegex() == null || pathRegex != null;
        Map<String, Pattern> headerRegex = new LinkedHashMap<>();
        if (m.headerRegex() != null) {
            for (Map.Entry<String, String> e : m.headerRegex().entrySet()) {
                Pattern p = regex(Problems.join(Problems.join(path, "header-regex"), e.getKey()), e.getValue());
                if (p == null) {
                    ok = false;
                } else {
                    headerRegex.put(e.getKey().toLowerCase(java.util.Locale.ROOT), p);
                }
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (m.headers() != null) {
            m.headers().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v == null ? "*" : v));
        }
        String pp = Problems.join(path, "path-prefix");
        if (m.pathPrefix() != null && !m.pathPrefix().startsWith("/")) {
            problems.error(pp, "'" + m.pathPrefix() + "' does not start with '/'; a path prefix like /api");
            ok = false;
        }
        String host = m.host() == null ? null : m.host().toLowerCase(java.util.Locale.ROOT);
        long bodyOver = m.bodyLargerThan() == null ? -1 : m.bodyLargerThan().bytes();
        return ok ? new FilterRule.Match(sources, methods, host, m.path(), m.pathPrefix(), pathRegex, headers,
                headerRegex, m.query(), bodyOver) : null;
    }

    /** An RE2 pattern, or null after reporting why it is not one. */
    private Pattern regex(String path, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            problems.error(path, "'" + text + "' is not an RE2 regular expression (" + e.getDescription()
                    + "); RE2 has no backreferences or lookaround, see github.com/google/re2/wiki/Syntax");
            return null;
        }
    }

    /** The {@code rate-limits} list at {@code path}, checked; the entries with errors are left out after reporting them. */
    public List<Protection.RateLimitRule> rateLimits(String path, List<RateLimitSection> sections) {
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
            String scope = problems.choice(Problems.join(at, "scope"), s.scope(), List.of("local", "global"), "local");
            if (name != null && !names.add(name)) {
                problems.error(Problems.join(at, "name"), "'" + name + "' is already the name of another limit here;"
                        + " give each limit its own name");
                continue;
            }
            if (name != null && key != null && limit != null && maxKeys != null && scope != null) {
                out.add(new Protection.RateLimitRule(name, limit, key, maxKeys, "global".equals(scope)));
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
