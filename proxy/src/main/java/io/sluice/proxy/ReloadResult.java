package io.sluice.proxy;

import java.util.List;
import java.util.Objects;

/**
 * What asking for a reload came to: applied (with what changed), or not applied and why, in
 * which case the configuration in force did not change.
 *
 * @param kind    applied, invalid (the file has errors) or refused (a valid file the running proxy
 *                cannot take without a restart, or a listener that cannot bind)
 * @param summary what changed when applied, else null
 * @param errors  every problem when not applied (each config error with its YAML path), else empty
 */
public record ReloadResult(Kind kind, Proxy.ReloadSummary summary, List<String> errors) {
    /** How a reload ended. */
    public enum Kind {
        /** The new configuration is in force. */
        APPLIED,
        /** The file could not be read or has errors; nothing changed. */
        INVALID,
        /** The file is valid but cannot be applied to the running proxy; nothing changed. */
        REFUSED
    }

    public ReloadResult {
        Objects.requireNonNull(kind, "kind");
        errors = List.copyOf(errors);
    }

    static ReloadResult applied(Proxy.ReloadSummary summary) {
        return new ReloadResult(Kind.APPLIED, Objects.requireNonNull(summary, "summary"), List.of());
    }

    static ReloadResult invalid(List<String> errors) {
        return new ReloadResult(Kind.INVALID, null, errors);
    }

    static ReloadResult refused(String reason) {
        return new ReloadResult(Kind.REFUSED, null, List.of(reason));
    }

    /** True when the new configuration is in force. */
    public boolean applied() {
        return kind == Kind.APPLIED;
    }

    /** One line for a log: what changed, or why nothing did. */
    public String describe() {
        if (kind != Kind.APPLIED) {
            return "reload " + (kind == Kind.INVALID ? "refused, the config has " + errors.size()
                    + (errors.size() == 1 ? " error" : " errors") : "refused") + ": " + String.join("; ", errors);
        }
        Proxy.ReloadSummary s = summary;
        StringBuilder b = new StringBuilder("reloaded");
        part(b, "clusters added", s.clustersAdded());
        part(b, "clusters removed", s.clustersRemoved());
        part(b, "clusters changed", s.clustersChanged());
        part(b, "listeners added", s.listenersAdded());
        part(b, "listeners removed", s.listenersRemoved());
        part(b, "listeners replaced", s.listenersReplaced());
        if (s.accessLogReopened()) {
            b.append("; access log reopened");
        }
        if (b.length() == "reloaded".length()) {
            b.append(": nothing changed");
        }
        return b.toString();
    }

    private static void part(StringBuilder b, String what, List<String> names) {
        if (!names.isEmpty()) {
            b.append(b.length() == "reloaded".length() ? ": " : "; ").append(what).append(' ')
                    .append(String.join(", ", names));
        }
    }
}
