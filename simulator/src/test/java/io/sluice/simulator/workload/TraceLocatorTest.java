package io.sluice.simulator.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceLocatorTest {
    @TempDir
    Path root;
    private Path repo;
    private Path module;
    private Path trace;

    @BeforeEach
    void layout() throws IOException {
        // root/repo/simulator is the working directory; the traces live in root/shared/traces
        repo = Files.createDirectories(root.resolve("repo"));
        module = Files.createDirectories(repo.resolve("simulator"));
        trace = root.resolve("shared/traces/set/a.csv");
        Files.createDirectories(trace.getParent());
        Files.writeString(trace, "time,device\n0,a\n");
    }

    @Test
    void sharedIsFoundBesideTheRepoFromTheRepoRootOrAModuleFolder() {
        TraceLocator fromRoot = new TraceLocator(null, repo, Map.<String, String>of()::get);
        assertThat(fromRoot.resolve("shared:set/a.csv", "w.path").file()).isEqualTo(trace);
        TraceLocator fromModule = new TraceLocator(null, module, Map.<String, String>of()::get);
        assertThat(fromModule.resolve("shared:set/a.csv", "w.path").file()).isEqualTo(trace);
    }

    @Test
    void sluiceHomeFindsItFromAnyWorkingDirectory() throws IOException {
        Path elsewhere = Files.createDirectories(root.resolve("x/y"));
        Path otherRoot = Files.createTempDirectory("sluice-cwd");
        try {
            TraceLocator locator = new TraceLocator(null, otherRoot, Map.of("SLUICE_HOME", repo.toString())::get);
            assertThat(locator.resolve("shared:set/a.csv", "w.path").file()).isEqualTo(trace);
            assertThat(new TraceLocator(null, elsewhere, Map.<String, String>of()::get).sharedCandidates())
                    .contains(root.resolve("shared/traces"));
        } finally {
            Files.delete(otherRoot);
        }
    }

    @Test
    void sluiceTracesOverridesEverything() throws IOException {
        Path mine = root.resolve("mine/set/a.csv");
        Files.createDirectories(mine.getParent());
        Files.writeString(mine, "time,device\n");
        TraceLocator locator = new TraceLocator(null, module, Map.of("SLUICE_TRACES", root.resolve("mine").toString())::get);
        assertThat(locator.resolve("shared:set/a.csv", "w.path").file()).isEqualTo(mine);
    }

    @Test
    void missingSharedTraceListsWhereItLooked() throws IOException {
        Path alone = Files.createTempDirectory("sluice-alone");
        try {
            TraceLocator locator = new TraceLocator(null, alone, Map.<String, String>of()::get);
            assertThatThrownBy(() -> locator.resolve("shared:set/none.csv", "workload.path"))
                    .isInstanceOf(WorkloadException.class)
                    .hasMessageStartingWith("workload.path: 'shared:set/none.csv' not found; looked in [")
                    .hasMessageContaining(alone.resolve("shared/traces").toString())
                    .hasMessageContaining("SLUICE_TRACES");
        } finally {
            Files.delete(alone);
        }
    }

    @Test
    void relativePathsResolveAgainstTheScenarioFolderAndAbsoluteOnesStay() {
        TraceLocator locator = new TraceLocator(root.resolve("shared"), module, Map.<String, String>of()::get);
        assertThat(locator.resolve("traces/set/a.csv", "p").file()).isEqualTo(trace);
        assertThat(locator.resolve(trace.toString(), "p").file()).isEqualTo(trace);
        assertThatThrownBy(() -> locator.resolve("nope.csv", "workload.sources[2].path"))
                .hasMessageStartingWith("workload.sources[2].path: trace file 'nope.csv' not found");
        assertThatThrownBy(() -> locator.resolve("  ", "workload.path")).hasMessageStartingWith("workload.path: empty");
    }

    @Test
    void classpathResources() {
        TraceLocator locator = new TraceLocator(null, module, Map.<String, String>of()::get);
        assertThat(locator.resolve("classpath:traces/fleet.csv", "p").name()).isEqualTo("classpath:traces/fleet.csv");
        assertThat(locator.resolve("classpath:/traces/fleet.csv", "p").fileName()).isEqualTo("fleet.csv");
        assertThatThrownBy(() -> locator.resolve("classpath:traces/none.csv", "workload.path"))
                .hasMessage("workload.path: 'classpath:traces/none.csv' is not on the class path");
    }
}
