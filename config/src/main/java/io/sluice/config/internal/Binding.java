package io.sluice.config.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.config.Problems;
import java.io.IOException;

/** What the deserializers and the problem handler share: the file's {@link Problems}, and how to show a value. */
final class Binding {
    private Binding() {
    }

    static Problems problems(DeserializationContext ctxt) {
        return (Problems) ctxt.getAttribute(Problems.class);
    }

    /**
     * The value the parser is at, as a user would recognise it in a message, consuming it: text
     * quoted, numbers and booleans bare, a mapping or list as compact JSON cut to 60 characters.
     */
    static String consumeShown(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            return "'" + p.getText() + "'";
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            JsonNode tree = p.readValueAsTree();
            String s = tree == null ? "nothing" : tree.toString();
            return s.length() > 60 ? s.substring(0, 57) + "..." : s;
        }
        return t == null ? "nothing" : p.getText();
    }

    /** What a value of this kind is called in messages: "a mapping", "a list" or its shown form. */
    static String describe(JsonParser p) throws IOException {
        return consumeShown(p);
    }
}
