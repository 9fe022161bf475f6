package io.sluice.config.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The one Jackson mapper both file formats are bound with: YAML, kebab-case keys, the scalar types
 * of {@link ScalarDeserializers}, sections chosen by a key ({@link KindDeserializer}), repeated keys
 * refused, and the {@link ProblemHandler} that lets binding go on past a problem. {@link #bind} then
 * runs {@link KeyCheck} over the tree for unknown keys.
 */
public final class Binder {
    private static final ObjectMapper MAPPER = build();

    private Binder() {
    }

    /** The shared mapper; thread-safe. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Reports every unknown or renamed key of {@code tree} (the file) against the section {@code type}. */
    public static void checkKeys(com.fasterxml.jackson.databind.JsonNode tree, Class<?> type,
                                 io.sluice.config.Problems problems) {
        new KeyCheck(problems).walk(tree, type, "");
    }

    private static ObjectMapper build() {
        YAMLMapper m = YAMLMapper.builder(new YAMLFactory())
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
                .addModule(ScalarDeserializers.module())
                .addModule(new com.fasterxml.jackson.databind.module.SimpleModule("sluice-kinds") {
                    @Override
                    public void setupModule(SetupContext context) {
                        context.addDeserializers(KindDeserializer.finder());
                    }
                })
                .addHandler(new ProblemHandler())
                .build();
        return m;
    }
}
