package io.sluice.config.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.sluice.algorithms.Durations;
import io.sluice.config.ByteSize;
import io.sluice.config.HostPort;
import io.sluice.config.Rate;
import java.io.IOException;
import java.time.Duration;

/**
 * The scalar types of both file formats, each read leniently in shape and strictly in value: a
 * value of the wrong type is not an exception but a problem recorded at its path (completed by the
 * validation pass with what is allowed there), and the field reads as absent. So a file with ten
 * bad values gets ten errors, not one.
 *
 * <ul>
 *   <li>whole numbers: an integer, a float with no fraction, or text of digits ({@code 1_000} too);</li>
 *   <li>numbers: any number, or text that is one;</li>
 *   <li>booleans: true or false, also as text in any case;</li>
 *   <li>text: any single value;</li>
 *   <li>durations: a number and a unit, {@code 250ms}, {@code 10s} (ns, us, ms, s, m, h); a bare 0;</li>
 *   <li>sizes ({@link ByteSize}), rates ({@link Rate}), addresses ({@link HostPort}).</li>
 * </ul>
 */
final class ScalarDeserializers {
    private ScalarDeserializers() {
    }

    static SimpleModule module() {
        SimpleModule m = new SimpleModule("sluice-scalars");
        m.addDeserializer(Long.class, new Scalar<>() {
            @Override
            Long read(JsonParser p) throws IOException {
                return wholeNumber(p);
            }
        });
        m.addDeserializer(Integer.class, new Scalar<>() {
            @Override
            Integer read(JsonParser p) throws IOException {
                Long v = wholeNumber(p);
                return v == null || v != (int) (long) v ? null : (int) (long) v;
            }

            @Override
            String what() {
                return "a whole number";
            }
        });
        m.addDeserializer(Double.class, new Scalar<>() {
            @Override
            Double read(JsonParser p) throws IOException {
                if (p.currentToken().isNumeric()) {
                    return p.getDoubleValue();
                }
                if (p.currentToken() == JsonToken.VALUE_STRING) {
                    try {
                        double d = Double.parseDouble(p.getText().trim().replace("_", ""));
                        return Double.isNaN(d) ? null : d;
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
                return null;
            }

            @Override
            String what() {
                return "a number";
            }
        });
        m.addDeserializer(Boolean.class, new Scalar<>() {
            @Override
            Boolean read(JsonParser p) throws IOException {
                JsonToken t = p.currentToken();
                if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
                    return t == JsonToken.VALUE_TRUE;
                }
                String s = t == JsonToken.VALUE_STRING ? p.getText().trim() : "";
                return s.equalsIgnoreCase("true") ? Boolean.TRUE : s.equalsIgnoreCase("false") ? Boolean.FALSE : null;
            }

            @Override
            String problem(String shown) {
                return shown + " is not allowed";
            }
        });
        m.addDeserializer(String.class, new Scalar<>() {
            @Override
            String read(JsonParser p) throws IOException {
                return p.currentToken().isScalarValue() ? p.getText() : null;
            }

            @Override
            String problem(String shown) {
                return "expected a single value, got " + shown;
            }
        });
        m.addDeserializer(Duration.class, new Scalar<>() {
            @Override
            Duration read(JsonParser p) throws IOException {
                JsonToken t = p.currentToken();
                String text = p.getText().trim();
                if (text.equals("0") && (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_STRING)) {
                    return Duration.ZERO;
                }
                if (t != JsonToken.VALUE_STRING) {
                    return null;
                }
                try {
                    return Duration.ofNanos(Durations.parseNanos(text, "duration"));
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }

            @Override
            String what() {
                return "a duration";
            }
        });
        m.addDeserializer(ByteSize.class, new Scalar<>() {
            @Override
            ByteSize read(JsonParser p) throws IOException {
                JsonToken t = p.currentToken();
                if (t == JsonToken.VALUE_NUMBER_INT) {
                    long v = p.getLongValue();
                    return v < 0 ? null : new ByteSize(v);
                }
                if (t != JsonToken.VALUE_STRING) {
                    return null;
                }
                long v = ByteSize.parse(p.getText());
                return v < 0 ? null : new ByteSize(v);
            }

            @Override
            String what() {
                return "a size";
            }
        });
        m.addDeserializer(Rate.class, new Scalar<>() {
            @Override
            Rate read(JsonParser p) throws IOException {
                JsonToken t = p.currentToken();
                if (t.isNumeric()) {
                    double v = p.getDoubleValue();
                    return Double.isFinite(v) ? new Rate(v) : null;
                }
                if (t != JsonToken.VALUE_STRING) {
                    return null;
                }
                double r = Rate.parse(p.getText());
                return Double.isNaN(r) ? null : new Rate(r);
            }

            @Override
            String what() {
                return "a rate";
            }
        });
        m.addDeserializer(HostPort.class, new Scalar<>() {
            @Override
            HostPort read(JsonParser p) throws IOException {
                return p.currentToken() == JsonToken.VALUE_STRING ? HostPort.parse(p.getText()) : null;
            }

            @Override
            String what() {
                return "host:port";
            }
        });
        return m;
    }

    private static Long wholeNumber(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? null : p.getLongValue();
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getDoubleValue();
            return d == Math.rint(d) && Math.abs(d) < 9e15 ? (long) d : null;
        }
        if (t == JsonToken.VALUE_STRING) {
            try {
                return Long.parseLong(p.getText().trim().replace("_", ""));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * Reads one scalar type; anything it cannot read is recorded as a problem at the value's path
     * and read as null.
     */
    private abstract static class Scalar<T> extends JsonDeserializer<T> {
        abstract T read(JsonParser p) throws IOException;

        /** The type in words, for "'x' is not a whole number". */
        String what() {
            return "a whole number";
        }

        /** The problem with a value shown as the user wrote it. */
        String problem(String shown) {
            return shown + " is not " + what();
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String path = Paths.valuePath(p, ctxt);
            T v = p.currentToken().isScalarValue() ? read(p) : null;
            if (v == null) {
                String shown = Binding.consumeShown(p);
                Binding.problems(ctxt).typeProblem(path, problem(shown));
            }
            return v;
        }
    }
}
