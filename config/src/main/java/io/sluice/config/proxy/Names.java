package io.sluice.config.proxy;

import io.sluice.config.Problems;

/** Names and ids: they appear in cookies, headers and metric labels, so they are kept to a safe alphabet. */
final class Names {
    static final String ALPHABET = "1 to 128 letters, digits, '-', '_', '.' or '~'";

    private Names() {
    }

    /** A required name at {@code path}, or null after recording its problem. */
    static String name(Problems problems, String path, String value) {
        String s = problems.text(path, value, null, ALPHABET);
        if (s == null) {
            return null;
        }
        if (!isName(s)) {
            problems.error(path, "'" + s + "' is not allowed; " + ALPHABET);
            return null;
        }
        return s;
    }

    static boolean isName(String s) {
        return !s.isEmpty() && s.length() <= 128 && s.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c)
                || c == '-' || c == '_' || c == '.' || c == '~'));
    }
}
