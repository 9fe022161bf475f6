package io.sluice.proxy;

import io.sluice.algorithms.filter.FilterInputs;
import io.sluice.proxy.http.RequestHead;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** The proxy's side of request filters: what an HTTP/1.1 request shows them. */
final class Filters {
    private Filters() {
    }

    /** An HTTP request as {@link FilterInputs}; the query is parsed only when a rule asks for a parameter. */
    record HttpRequest(byte[] clientAddress, RequestHead head) implements FilterInputs {
        @Override
        public String method() {
            return head.method().name();
        }

        @Override
        public String host() {
            return Router.hostWithoutPort(head.host());
        }

        @Override
        public String path() {
            return head.path();
        }

        @Override
        public String header(String name) {
            return head.headers().get(name);
        }

        @Override
        public String queryParameter(String name) {
            String t = head.target();
            int q = t.indexOf('?');
            if (q < 0) {
                return null;
            }
            for (String pair : t.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                String k = eq < 0 ? pair : pair.substring(0, eq);
                try {
                    if (URLDecoder.decode(k, StandardCharsets.UTF_8).equals(name)) {
                        return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    }
                } catch (IllegalArgumentException badEscape) {
                    // a malformed escape names no parameter
                }
            }
            return null;
        }

        @Override
        public long declaredBodyBytes() {
            String cl = head.headers().get("content-length");
            if (cl == null) {
                return -1;
            }
            try {
                return Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}
