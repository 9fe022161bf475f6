package io.sluice.proxy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real clients and servers some tests drive (curl, openssl, nghttp, h2load, mosquitto), found on
 * the PATH or in /usr/sbin (where Debian puts mosquitto). A test whose tool is missing is skipped
 * with the package that provides it, as the promtool and chromium tests are: `./mvnw verify` passes
 * with only a JDK, and CI (`.ci/run`) installs every package so that they all run there.
 */
final class ExternalTool {
    /** The Debian package of each tool. */
    private static final Map<String, String> PACKAGES = Map.of("curl", "curl", "openssl", "openssl",
            "nghttp", "nghttp2-client", "h2load", "nghttp2-client", "mosquitto", "mosquitto", "prlimit", "util-linux");

    private ExternalTool() {
    }

    static Optional<Path> find(String tool) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.add("/usr/sbin");
        dirs.add("/usr/local/sbin");
        for (String dir : dirs) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, tool);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** The tool's path; skips the calling test when it is not installed. */
    static String require(String tool) {
        Optional<Path> p = find(tool);
        assumeTrue(p.isPresent(), () -> tool + " is not installed (apt-get install -y "
                + PACKAGES.getOrDefault(tool, tool) + "; CI installs it): skipping this test");
        return p.get().toString();
    }

    /** {@code command} with its first word replaced by the tool's path, after {@link #require}. */
    static List<String> resolve(List<String> command) {
        List<String> out = new ArrayList<>(command);
        out.set(0, require(command.get(0)));
        return out;
    }
}
