package io.sluice.algorithms.filter;

import com.google.re2j.Pattern;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One request filter rule: when every condition of its {@link Match} holds, its {@link Action}
 * decides. Path and header patterns are RE2 expressions (com.google.re2j): matching takes time
 * linear in the input, so a crafted path cannot make a pattern backtrack for seconds.
 *
 * @param name   for logs and the deny body
 * @param match  the conditions
 * @param action what happens on a match
 * @param status the status of a deny, in [400, 599]
 */
public record FilterRule(String name, Match match, Action action, int status) {

    /** What a matching rule does. */
    public enum Action {
        /** Let the request through at once; later rules are not asked. */
        ALLOW,
        /** Answer {@code status} at once. */
        DENY
    }

    public FilterRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(action, "action");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a deny status must be in [400, 599], got " + status);
        }
    }

    /**
     * Conditions, all of which must hold; an empty or null one holds for every request.
     *
     * @param sources       the client address is in one of these blocks
     * @param methods       upper-case methods
     * @param host          an exact host, or {@code *.example.com}
     * @param path          the exact path
     * @param pathPrefix    the path starts with this
     * @param pathRegex     RE2, found anywhere in the path (anchor with ^ and $)
     * @param headers       header (lower case) to exact value; {@code *} for "present"
     * @param headerRegex   header (lower case) to an RE2 pattern its value must contain
     * @param query         query parameter to exact value; {@code *} for "present"
     * @param bodyOver      the declared body length exceeds this many bytes; -1 for no condition
     */
    public record Match(List<Cidr> sources, List<String> methods, String host, String path, String pathPrefix,
                        Pattern pathRegex, Map<String, String> headers, Map<String, Pattern> headerRegex,
                        Map<String, String> query, long bodyOver) {
        public Match {
            sources = sources == null ? List.of() : List.copyOf(sources);
            methods = methods == null ? List.of() : List.copyOf(methods);
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            headerRegex = headerRegex == null ? Map.of() : Map.copyOf(headerRegex);
            query = query == null ? Map.of() : Map.copyOf(query);
        }

        /** Matches every request. */
        public static final Match ANY = new Match(null, null, null, null, null, null, null, null, null, -1);

        boolean test(FilterInputs in) {
            if (!sources.isEmpty()) {
                byte[] a = in.clientAddress();
                boolean any = false;
                for (Cidr c : sources) {
                    if (c.contains(a)) {
                        any = true;
                        break;
                    }
                }
                if (!any) {
                    return false;
                }
            }
            if (!methods.isEmpty() && !methods.contains(in.method())) {
                return false;
            }
            if (host != null) {
                String h = in.host();
                if (h == null) {
                    return false;
                }
                if (host.startsWith("*.") ? !(h.endsWith(host.substring(1)) && h.length() > host.length() - 1)
                        : !host.equals(h)) {
                    return false;
                }
            }
            String p = in.path();
            if (path != null && !path.equals(p)) {
                return false;
            }
            if (pathPrefix != null && !p.startsWith(pathPrefix)) {
                return false;
            }
            if (pathRegex != null && !pathRegex.matcher(p).find()) {
                return false;
            }
            for (Map.Entry<String, String> e : headers.entrySet()) {
                if (!valueMatches(in.header(e.getKey()), e.getValue())) {
                    return false;
                }
            }
            for (Map.Entry<String, Pattern> e : headerRegex.entrySet()) {
                String v = in.header(e.getKey());
                if (v == null || !e.getValue().matcher(v).find()) {
                    return false;
                }
            }
            for (Map.Entry<String, String> e : query.entrySet()) {
                if (!valueMatches(in.queryParameter(e.getKey()), e.getValue())) {
                    return false;
                }
            }
            return bodyOver < 0 || in.declaredBodyBytes() > bodyOver;
        }

        private static boolean valueMatches(String actual, String wanted) {
            return actual != null && ("*".equals(wanted) || wanted.equals(actual));
        }

        @Override
        public boolean equals(Object o) {
            // RE2J patterns compare by their text and flags.
            return o instanceof Match m && sources.equals(m.sources) && methods.equals(m.methods)
                    && Objects.equals(host, m.host) && Objects.equals(path, m.path)
                    && Objects.equals(pathPrefix, m.pathPrefix) && Objects.equals(text(pathRegex), text(m.pathRegex))
                    && headers.equals(m.headers) && texts(headerRegex).equals(texts(m.headerRegex))
                    && query.equals(m.query) && bodyOver == m.bodyOver;
        }

        @Override
        public int hashCode() {
            return Objects.hash(sources, methods, host, path, pathPrefix, text(pathRegex), headers, query, bodyOver);
        }

        private static String text(Pattern p) {
            return p == null ? null : p.pattern();
        }

        private static Map<String, String> texts(Map<String, Pattern> m) {
            java.util.Map<String, String> out = new java.util.HashMap<>();
            m.forEach((k, v) -> out.put(k, v.pattern()));
            return out;
        }
    }
}
