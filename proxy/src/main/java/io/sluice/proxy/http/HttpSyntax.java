package io.sluice.proxy.http;

/**
 * The character classes of RFC 9110/9112 the strict decoders check against. A byte table each, so
 * a check is one array load.
 */
final class HttpSyntax {
    private static final boolean[] TCHAR = new boolean[256];
    private static final boolean[] FIELD_CHAR = new boolean[256];
    private static final boolean[] TARGET_CHAR = new boolean[256];
    private static final boolean[] HOST_CHAR = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        // field-value = *( field-vchar / SP / HTAB ), field-vchar = VCHAR / obs-text.
        // Everything else (NUL, CR, LF, other controls, DEL) is refused, never replaced.
        FIELD_CHAR['\t'] = true;
        for (int c = 0x20; c <= 0x7e; c++) {
            FIELD_CHAR[c] = true;
        }
        for (int c = 0x80; c <= 0xff; c++) {
            FIELD_CHAR[c] = true;
        }
        // request-target: printable ASCII without space; a fragment ('#') never travels in a request.
        for (int c = 0x21; c <= 0x7e; c++) {
            TARGET_CHAR[c] = c != '#';
        }
        // Host = uri-host [ ":" port ]: reg-name / IPv4 / IP-literal characters (RFC 3986).
        for (int c = 0; c < 256; c++) {
            HOST_CHAR[c] = TCHAR[c] && c != '^' && c != '`' && c != '|' && c != '"';
        }
        for (char c : "[]:;=,()".toCharArray()) {
            HOST_CHAR[c] = true;
        }
    }

    private HttpSyntax() {
    }

    static boolean isTchar(int b) {
        return TCHAR[b & 0xff];
    }

    static boolean isFieldChar(int b) {
        return FIELD_CHAR[b & 0xff];
    }

    static boolean isTargetChar(int b) {
        return TARGET_CHAR[b & 0xff];
    }

    static boolean isToken(CharSequence s) {
        if (s.length() == 0) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xff || !TCHAR[c]) {
                return false;
            }
        }
        return true;
    }

    /** A Host header value or URI authority: non-empty, only host characters. */
    static boolean isHost(CharSequence s) {
        if (s.length() == 0 || s.length() > 255) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xff || !HOST_CHAR[c]) {
                return false;
            }
        }
        return true;
    }
}
