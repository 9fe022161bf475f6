package io.sluice.config.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import java.io.IOException;

/**
 * Lets binding go on past a problem Jackson meets: a list where a mapping belongs and the like is
 * recorded at its path (completed later with what is allowed there) and the value reads as absent.
 * Unknown keys are skipped here; {@link KeyCheck} reports them, with correct paths.
 */
final class ProblemHandler extends DeserializationProblemHandler {

    @Override
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deser,
                                         Object beanOrClass, String name) throws IOException {
        p.skipChildren();
        return true;
    }

    @Override
    public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p,
                                        String failureMsg) throws IOException {
        String path = Paths.valuePath(p, ctxt);
        String shown = Binding.consumeShown(p);
        String expected;
        if (targetType.isCollectionLikeType() || targetType.isArrayType()) {
            expected = "expected a list, got ";
        } else if (targetType.isMapLikeType() || targetType.getRawClass().isRecord()
                || targetType.getRawClass().isInterface()) {
            expected = "expected a mapping (key: value), got ";
        } else {
            expected = "expected a single value, got ";
        }
        Binding.problems(ctxt).typeProblem(path, expected + shown);
        return null;
    }

    @Override
    public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> instClass,
                                            ValueInstantiator valueInsta, JsonParser p, String msg) throws IOException {
        return handleUnexpectedToken(ctxt, ctxt.constructType(instClass), p.currentToken(), p, msg);
    }
}
