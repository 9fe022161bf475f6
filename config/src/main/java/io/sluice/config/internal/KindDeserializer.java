package io.sluice.config.internal;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.Deserializers;
import io.sluice.config.Kinds;
import io.sluice.config.Problems;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds a section whose type is chosen by one of its keys ({@code kind: poisson},
 * {@code protocol: http}): a sealed interface annotated with {@link Kinds} and {@link JsonSubTypes}.
 * The mapping is read as a tree, the key picks the record, and the record is bound from the tree
 * with the mapping's path as the prefix of every path inside it. A missing or unknown choice is an
 * error naming the allowed ones; the section then binds as absent.
 */
final class KindDeserializer extends JsonDeserializer<Object> {
    private final Class<?> base;
    private final Kinds kinds;
    private final Map<String, Class<?>> byId;
    private final List<String> ids;

    private KindDeserializer(Class<?> base) {
        this.base = base;
        this.kinds = base.getAnnotation(Kinds.class);
        this.byId = subtypes(base);
        this.ids = declaredIds(base);
    }

    /** Finds this deserializer for every type annotated with {@link Kinds}. */
    static Deserializers finder() {
        return new Deserializers.Base() {
            @Override
            public JsonDeserializer<?> findBeanDeserializer(JavaType type, DeserializationConfig config,
                                                            BeanDescription beanDesc) {
                Class<?> raw = type.getRawClass();
                return raw.isInterface() && raw.isAnnotationPresent(Kinds.class) ? new KindDeserializer(raw) : null;
            }
        };
    }

    /** Subtype by id, aliases included. */
    static Map<String, Class<?>> subtypes(Class<?> base) {
        Map<String, Class<?>> out = new LinkedHashMap<>();
        JsonSubTypes declared = base.getAnnotation(JsonSubTypes.class);
        if (declared != null) {
            for (JsonSubTypes.Type t : declared.value()) {
                if (!t.name().isEmpty()) {
                    out.put(t.name(), t.value());
                }
                for (String alias : t.names()) {
                    out.put(alias, t.value());
                }
            }
        }
        return out;
    }

    /** The ids users are told about: each subtype's first name, in declaration order. */
    static List<String> declaredIds(Class<?> base) {
        List<String> out = new ArrayList<>();
        JsonSubTypes declared = base.getAnnotation(JsonSubTypes.class);
        if (declared != null) {
            for (JsonSubTypes.Type t : declared.value()) {
                out.add(!t.name().isEmpty() ? t.name() : t.names()[0]);
            }
        }
        return out;
    }

    /** The record {@code node} binds to, or null when its choice is missing or unknown. */
    static Class<?> choose(Class<?> base, JsonNode node) {
        Kinds k = base.getAnnotation(Kinds.class);
        JsonNode id = node.get(k.property());
        if (id == null || id.isNull()) {
            return k.missing() == Void.class ? null : k.missing();
        }
        return id.isValueNode() ? subtypes(base).get(id.asText().trim().toLowerCase(java.util.Locale.ROOT)) : null;
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        String path = Paths.valuePath(p, ctxt);
        Problems problems = Binding.problems(ctxt);
        if (p.currentToken() != JsonToken.START_OBJECT) {
            problems.typeProblem(path, "expected a mapping (key: value), got " + Binding.consumeShown(p));
            return null;
        }
        JsonNode node = p.readValueAsTree();
        String allowed = "one of " + String.join(", ", ids);
        JsonNode id = node.get(kinds.property());
        String idPath = Problems.join(path, kinds.property());
        if ((id == null || id.isNull()) && kinds.missing() == Void.class) {
            problems.error(idPath, "required; " + allowed);
            return null;
        }
        Class<?> type = choose(base, node);
        if (type == null) {
            problems.error(idPath, (id.isTextual() ? "'" + id.asText() + "'" : id.toString()) + " is not allowed; "
                    + allowed);
            return null;
        }
        return Paths.under(ctxt, path, () -> ctxt.readTreeAsValue(node, type));
    }

    @Override
    public Class<?> handledType() {
        return base;
    }
}
