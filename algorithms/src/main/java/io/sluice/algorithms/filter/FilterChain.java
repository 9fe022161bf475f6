package io.sluice.algorithms.filter;

import java.util.List;

/**
 * A listener's or route's filter rules, in order: the first rule that matches decides (allow or
 * deny); a request no rule matches is allowed. An allow list is "allow these blocks" then a last
 * rule "deny everything" (a rule whose match is empty).
 *
 * <p>Thread safety: immutable; any thread.
 */
public record FilterChain(List<FilterRule> rules) {
    public static final FilterChain NONE = new FilterChain(List.of());

    public FilterChain {
        rules = List.copyOf(rules);
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** The rule that denies the request, or null when it may pass. */
    public FilterRule denial(FilterInputs in) {
        for (FilterRule r : rules) {
            if (r.match().test(in)) {
                return r.action() == FilterRule.Action.DENY ? r : null;
            }
        }
        return null;
    }
}
