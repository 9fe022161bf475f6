package io.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.sluice.algorithms.Range;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every class of error the shared layer reports, on a small section model of its own: each one names
 * the file, line and YAML path, says what was written and what is allowed, and every one of a file's
 * errors is reported at once, in file order.
 */
class ConfigReaderTest {

    /** A file of every scalar type, a nested section, a list, a map and a kind-chosen section. */
    @OldKeys({"colour = paint.colour", "size = capacity (now a size with a unit, like 8KiB)"})
    record TestFile(Long count, Double ratio, Boolean enabled, String name, Duration timeout, ByteSize capacity,
                    Rate rate, HostPort bind, Paint paint, List<Long> numbers, Map<String, String> labels,
                    Shape shape) {
    }

    record Paint(String colour, Long maxCoats) {
    }

    @JsonSubTypes({@JsonSubTypes.Type(value = Shape.Circle.class, name = "circle"),
            @JsonSubTypes.Type(value = Shape.Square.class, names = {"square", "box"})})
    @Kinds(property = "kind")
    sealed interface Shape {
        record Circle(Double radius) implements Shape {
        }

        record Square(Double side) implements Shape {
        }
    }

    private static List<String> errors(String yaml) {
        ConfigReader.Bound<TestFile> bound = ConfigReader.read(yaml, "test.yaml", TestFile.class);
        return bound.problems().errors().stream().map(ConfigError::toString).toList();
    }

    private static TestFile value(String yaml) {
        ConfigReader.Bound<TestFile> bound = ConfigReader.read(yaml, "test.yaml", TestFile.class);
        bound.problems().throwIfAny();
        return bound.value();
    }

    @Test
    void everyScalarTypeBindsFromItsWrittenForm() {
        TestFile f = value("""
                count: 3
                ratio: 0.5
                enabled: true
                name: web
                timeout: 250ms
                capacity: 8KiB
                rate: 300/min
                bind: "[::1]:8080"
                paint: { colour: red, max-coats: 2 }
                numbers: [1, 2]
                labels: { a: b }
                shape: { kind: box, side: 2 }
                """);
        assertThat(f.count()).isEqualTo(3L);
        assertThat(f.ratio()).isEqualTo(0.5);
        assertThat(f.enabled()).isTrue();
        assertThat(f.timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(f.capacity().bytes()).isEqualTo(8192L);
        assertThat(f.rate().perSecond()).isEqualTo(5.0);
        assertThat(f.bind().toString()).isEqualTo("[::1]:8080");
        assertThat(f.paint().maxCoats()).isEqualTo(2L);
        assertThat(f.labels()).containsEntry("a", "b");
        assertThat(f.shape()).isEqualTo(new Shape.Square(2.0));
    }

    @Test
    void aValueOfTheWrongTypeIsFoundWhileBindingAndNamesWhatWasWritten() {
        List<String> errors = errors("""
                count: many
                ratio: half
                enabled: maybe
                timeout: 10
                capacity: lots
                rate: fast
                bind: localhost
                numbers: [1, two]
                paint: red
                """);
        assertThat(errors).hasSize(9);
        assertThat(errors.get(0)).startsWith("test.yaml:1: count: 'many' is not a whole number");
        assertThat(errors.get(1)).startsWith("test.yaml:2: ratio: 'half' is not a number");
        assertThat(errors.get(2)).isEqualTo("test.yaml:3: enabled: 'maybe' is not allowed");
        assertThat(errors.get(3)).isEqualTo("test.yaml:4: timeout: 10 is not a duration");
        assertThat(errors.get(4)).isEqualTo("test.yaml:5: capacity: 'lots' is not a size");
        assertThat(errors.get(5)).startsWith("test.yaml:6: rate: 'fast' is not a rate");
        assertThat(errors.get(6)).startsWith("test.yaml:7: bind: 'localhost' is not host:port");
        assertThat(errors.get(7)).startsWith("test.yaml:8: numbers[1]: 'two' is not a whole number");
        assertThat(errors.get(8)).startsWith("test.yaml:9: paint: expected a mapping (key: value), got");
    }

    @Test
    void anUnknownKeyListsTheKeysAllowedThere() {
        assertThat(errors("paint: { colour: red, coats: 2 }\n")).containsExactly(
                "test.yaml:1: paint.coats: unknown key; allowed here: colour, max-coats");
    }

    @Test
    void anOldKeyOrACamelCaseKeyNamesTheKeyToWriteInstead() {
        assertThat(errors("""
                colour: red
                size: 8192
                paint: { maxCoats: 2 }
                """)).containsExactly(
                "test.yaml:1: colour: renamed: write paint.colour",
                "test.yaml:2: size: renamed: write capacity (now a size with a unit, like 8KiB)",
                "test.yaml:3: paint.maxCoats: renamed: write max-coats (keys are kebab-case)");
    }

    @Test
    void theKindChoosesTheKeysOfItsSection() {
        assertThat(errors("shape: { kind: circle, side: 2 }\n")).containsExactly(
                "test.yaml:1: shape.side: unknown key; allowed here: radius");
        assertThat(errors("shape: { kind: hexagon }\n")).containsExactly(
                "test.yaml:1: shape.kind: 'hexagon' is not allowed; one of circle, square");
        assertThat(errors("shape: { radius: 2 }\n")).singleElement().asString()
                .startsWith("test.yaml:1: shape.kind: required");
    }

    @Test
    void aFileThatIsNotYamlIsOneErrorAtItsLine() {
        assertThat(errors("count: 1\nnumbers: [1,\n")).singleElement().asString()
                .startsWith("test.yaml:").contains("not valid YAML");
        assertThat(errors("count: 1\nname: a\ncount: 2\n")).singleElement().asString()
                .startsWith("test.yaml:3: not valid YAML").contains("count");
    }

    @Test
    void theValidationPassAddsRangeAndChoiceErrorsInFileOrder() {
        String yaml = """
                name: teal
                count: 99
                ratio: 2
                """;
        ConfigReader.Bound<TestFile> bound = ConfigReader.read(yaml, "test.yaml", TestFile.class);
        Problems p = bound.problems();
        TestFile f = bound.value();
        p.wholeNumber("count", f.count(), Range.wholeNumber(0, 10), 1L);
        p.number("ratio", f.ratio(), Range.number(0, 1), 0.5);
        p.choice("name", f.name(), List.of("red", "green"), "red");
        assertThat(p.errors()).extracting(ConfigError::toString).containsExactly(
                "test.yaml:1: name: 'teal' is not allowed; one of red, green",
                "test.yaml:2: count: 99 is out of range; a whole number from 0 to 10",
                "test.yaml:3: ratio: 2 is out of range; a number from 0 to 1");
        assertThatThrownBy(p::throwIfAny).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.lines()).hasSize(3);
            assertThat(e.getMessage()).contains("test.yaml:2: count: 99 is out of range");
        });
    }

    @Test
    void theValidationPassCompletesATypeProblemWithWhatIsAllowed() {
        ConfigReader.Bound<TestFile> bound = ConfigReader.read("enabled: maybe\n", "test.yaml", TestFile.class);
        assertThat(bound.problems().bool("enabled", bound.value().enabled(), false)).isFalse();
        assertThat(bound.problems().errors()).extracting(ConfigError::toString).containsExactly(
                "test.yaml:1: enabled: 'maybe' is not allowed; write true or false");
    }

    @Test
    void aValueOfTheWrongTypeIsReportedOnceNotAgainAsOutOfRange() {
        ConfigReader.Bound<TestFile> bound = ConfigReader.read("count: many\n", "test.yaml", TestFile.class);
        bound.problems().wholeNumber("count", bound.value().count(), Range.wholeNumber(0, 10), 1L);
        assertThat(bound.problems().errors()).hasSize(1);
    }
}
