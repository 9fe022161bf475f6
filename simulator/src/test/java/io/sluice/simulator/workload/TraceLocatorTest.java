package io.sluice.simulator.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceLocatorTest {
    @TempDir
    Path root;
    private Path scenarios;
    private Path trace;

    @BeforeEach
    void layout() throws IOException {
        scenarios = Files.createDirectories(root.resolve("scenarios"));
        trace = root.resolve("scenarios/traces/a.csv");
        Files.createDirectories(trace.getParent());
        Files.writeString(trace, "time,device\n0,a\n");
    }

    @Test
    void relativePathsResolveAgainstTheScenarioFolderAndAbsoluteOnesStay() {
        TraceLocator locator = new TraceLocator(scenarios);
        assertThat(locator.resolve("traces/a.csv", "p").file()).isEqualTo(trace);
        assertThat(locator.resolve(trace.toString(), "p").file()).isEqualTo(trace);
        assertThatThrownBy(() -> locator.resolve("nope.csv", "workload.sources[2].path"))
                .isInstanceOf(WorkloadException.class)
                .hasMessageStartingWith("workload.sources[2].path: trace file 'nope.csv' not found (resolved to "
                        + scenarios.resolve("nope.csv"));
        assertThatThrownBy(() -> locator.resolve("  ", "workload.path")).hasMessageStartingWith("workload.path: empty");
    }

    @Test
    void classpathResources() {
        TraceLocator locator = new TraceLocator(scenarios);
        assertThat(locator.resolve("classpath:traces/fleet.csv", "p").name()).isEqualTo("classpath:traces/fleet.csv");
        assertThat(locator.resolve("classpath:/traces/fleet.csv", "p").fileName()).isEqualTo("fleet.csv");
        assertThatThrownBy(() -> locator.resolve("classpath:traces/none.csv", "workload.path"))
                .hasMessage("workload.path: 'classpath:traces/none.csv' is not on the class path");
    }

    @Test
    void theShippedTracesAreOnTheClassPathWhateverTheWorkingDirectory() {
        // The locator never looks at the working directory for them: a scenario folder with nothing
        // in it finds them as well as the repository does.
        TraceSource s = new TraceLocator(scenarios)
                .resolve("classpath:data/traces/campusiot-helium/EMS_A81758FFFE04B1C1.ndjson.gz", "p");
        assertThat(s.file()).isNull();
        assertThat(s.fileName()).isEqualTo("EMS_A81758FFFE04B1C1.ndjson.gz");
        assertThatThrownBy(() -> new TraceLocator(scenarios)
                .resolve("classpath:data/traces/campusiot-helium/none.ndjson.gz", "workload.path"))
                .hasMessage("workload.path: 'classpath:data/traces/campusiot-helium/none.ndjson.gz' is not on the"
                        + " class path; the shipped traces are listed in data/README.md");
    }

    @Test
    void anUnknownSchemeIsNamedWithWhatToWriteInstead() {
        assertThatThrownBy(() -> new TraceLocator(scenarios).resolve("traces:campusiot/x.ndjson.gz", "workload.path"))
                .isInstanceOf(WorkloadException.class)
                .hasMessageStartingWith("workload.path: 'traces:campusiot/x.ndjson.gz': unknown scheme 'traces:'; give"
                        + " a file path")
                .hasMessageContaining("classpath:data/traces/campusiot-helium/EMS_A81758FFFE04B1C1.ndjson.gz");
    }
}
