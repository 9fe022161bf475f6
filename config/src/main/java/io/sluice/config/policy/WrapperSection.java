package io.sluice.config.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Map;

/**
 * One wrapper of a strategy: a name ({@code slow-start}) or a mapping with its parameters.
 *
 * @param name   a registered wrapper name
 * @param params parameters by name
 */
public record WrapperSection(String name, Map<String, Object> params) {
    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public WrapperSection {
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static WrapperSection ofName(String name) {
        return new WrapperSection(name, null);
    }
}
