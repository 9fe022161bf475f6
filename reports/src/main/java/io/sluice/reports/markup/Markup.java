package io.sluice.reports.markup;

/**
 * Escaping for HTML and SVG text, shared so the page and its charts escape alike. The five
 * characters that can end a text run or an attribute value ({@code & < > " '}) become entities,
 * everything else is kept, so {@code a<b & "c"} becomes {@code a&lt;b &amp; &quot;c&quot;}.
 */
public final class Markup {
    private Markup() {
    }

    /**
     * Escapes text for element content and for attribute values in either quote.
     *
     * @return the escaped text; the empty string for null
     */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
