package io.sluice.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The release archive as a user gets it: unpacked into an empty temporary folder and run through
 * its own {@code bin/sluice} with nothing but a Java runtime (the environment holds only PATH for
 * the shell's tools and JAVA_HOME; no Maven, no source tree, no class path from the build).
 */
class ArchiveIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERSION = System.getProperty("sluice.version");
    private static Path unpacked;
    private static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("sluice.archive"));
        assertThat(archive.getFileName().toString()).isEqualTo("sluice-" + VERSION + ".tar.gz");
        assertThat(archive).isRegularFile();
        unpacked = Files.createTempDirectory("sluice-archive-");
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacked.toString())
                .redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as(out).isZero();
        try (Stream<Path> top = Files.list(unpacked)) {
            assertThat(top.map(p -> p.getFileName().toString()).toList()).as("one folder at the top")
                    .containsExactly("sluice-" + VERSION);
        }
        home = unpacked.resolve("sluice-" + VERSION);
    }

    @AfterAll
    static void delete() throws IOException {
        if (unpacked != null) {
            try (Stream<Path> all = Files.walk(unpacked)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** {@code bin/sluice args}, run from the archive's folder with only java. */
    private static ProcessBuilder sluice(String... args) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/sluice").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/bin:/bin");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return pb;
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) throws Exception {
        Path out = Files.createTempFile(unpacked, "out", ".txt");
        Path err = Files.createTempFile(unpacked, "err", ".txt");
        Process p = sluice(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("bin/sluice " + String.join(" ", args) + " ends").isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void layoutHasTheLauncherTheJarsTheExampleConfigAndTheLicences() throws IOException {
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/sluice"))).contains(PosixFilePermission.OWNER_EXECUTE,
                PosixFilePermission.OTHERS_EXECUTE);
        for (String f : List.of("README.md", "LICENSE", "NOTICE", "conf/sluice.yaml", "licenses/THIRD-PARTY.txt",
                "licenses/campusiot-helium/README.md", "licenses/campusiot-helium/LICENSE.txt", "deploy/Dockerfile",
                "deploy/sluice.service")) {
            assertThat(home.resolve(f)).as(f).isRegularFile();
        }
        assertThat(Files.readString(home.resolve("LICENSE"))).contains("Apache License", "Version 2.0");
        assertThat(Files.readString(home.resolve("licenses/campusiot-helium/README.md")))
                .contains("Didier Donsez", "Olivier Alphand", "ODbL-1.0");
        List<String> jars;
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            jars = lib.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(jars).contains("sluice-cli-" + VERSION + ".jar", "sluice-proxy-" + VERSION + ".jar",
                "sluice-simulator-" + VERSION + ".jar");
        // Every bundled library is named in the third-party notices, by its jar's name.
        List<String> prefixes = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^([A-Za-z][\\w.-]*)\\s{2,}\\S").matcher(
                Files.readString(home.resolve("licenses/THIRD-PARTY.txt")));
        while (row.find()) {
            prefixes.add(row.group(1));
        }
        assertThat(prefixes).contains("netty-", "logback-classic", "slf4j-api");
        for (String jar : jars) {
            if (!jar.startsWith("sluice-")) {
                assertThat(prefixes).as(jar + " is in licenses/THIRD-PARTY.txt").anyMatch(jar::startsWith);
            }
        }
    }

    @Test
    void versionAndCheckRunWithOnlyJava() throws Exception {
        Result version = run("--version");
        assertThat(version.code()).as(version.err()).isZero();
        assertThat(version.out()).startsWith("sluice " + VERSION + "\n");

        Result check = run("proxy", "--check", "conf/sluice.yaml");
        assertThat(check.code()).as(check.err()).isZero();
        assertThat(check.out()).isEqualTo("config OK\n");

        Path bad = unpacked.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(home.resolve("conf/sluice.yaml")).replace("drainTimeout: 30s",
                "drainTimeout: soon"));
        Result refused = run("proxy", "--check", bad.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("drainTimeout");
    }

    /** The proxy from the archive: probes, one proxied request, metrics, then SIGTERM drains and exits 0. */
    @Test
    void theProxyRunsFromTheArchiveAnswersItsProbesAndStopsOnSigterm() throws Exception {
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/", exchange -> {
            byte[] body = "from the backend".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        Path config = unpacked.resolve("run.yaml");
        Files.writeString(config, """
                admin: { listen: 127.0.0.1:0 }
                accessLog: { path: "off" }
                drainTimeout: 5s
                listeners:
                  - { name: web, bind: 127.0.0.1:0, routes: [ { cluster: app } ] }
                clusters:
                  - name: app
                    strategy: round-robin
                    backends: [ { id: b1, address: '127.0.0.1:%d' } ]
                """.formatted(backend.getAddress().getPort()));
        Path log = unpacked.resolve("proxy.log");
        Process proxy = sluice("proxy", "--config", config.toString(), "--log-format", "json")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(log.toFile()).start();
        try {
            URI admin = URI.create(awaitLogged(proxy, log, "admin API on (http://[0-9.:]+)"));
            URI web = URI.create(awaitLogged(proxy, log, "listening on (http://[0-9.:]+)"));
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            assertThat(get(client, admin.resolve("/live")).statusCode()).isEqualTo(200);
            assertThat(get(client, admin.resolve("/ready")).statusCode()).isEqualTo(200);
            HttpResponse<String> proxied = get(client, web.resolve("/hello"));
            assertThat(proxied.statusCode()).isEqualTo(200);
            assertThat(proxied.body()).isEqualTo("from the backend");
            assertThat(get(client, admin.resolve("/metrics")).body())
                    .contains("sluice_build_info{version=\"" + VERSION + "\"} 1", "jvm_memory_used_bytes");

            proxy.destroy(); // SIGTERM
            assertThat(proxy.waitFor(60, TimeUnit.SECONDS)).as("stops after the drain").isTrue();
            assertThat(proxy.exitValue()).isZero();
        } finally {
            if (proxy.isAlive()) {
                proxy.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            backend.stop(0);
        }
        List<String> lines = Files.readAllLines(log);
        List<String> messages = new ArrayList<>();
        for (String line : lines) {
            JsonNode event = JSON.readTree(line);
            assertThat(event.has("level") && event.has("timestamp")).as("a JSON event a line: " + line).isTrue();
            messages.add(event.get("formattedMessage").asText());
        }
        assertThat(messages).contains("stopped; every connection finished")
                .anyMatch(m -> m.startsWith("stopping: not ready"));
    }

    /**
     * The Dockerfile and the systemd unit agree with the proxy: the image runs the archive's launcher
     * as a non-root user on /etc/sluice/sluice.yaml and checks /live on the example's admin port; the
     * unit reloads with SIGHUP and gives the SIGTERM drain longer than the example's drainTimeout.
     */
    @Test
    void deployFilesAgreeWithTheProxyAndTheExampleConfig() throws IOException {
        String conf = Files.readString(home.resolve("conf/sluice.yaml"));
        Matcher adminPort = Pattern.compile("(?m)^\\s+listen: 127\\.0\\.0\\.1:(\\d+)").matcher(conf);
        assertThat(adminPort.find()).isTrue();
        Matcher drain = Pattern.compile("(?m)^drainTimeout: (\\d+)s").matcher(conf);
        assertThat(drain.find()).isTrue();

        String docker = Files.readString(home.resolve("deploy/Dockerfile"));
        assertThat(docker).containsPattern("(?m)^FROM eclipse-temurin:(17|21)-jre$")
                .containsPattern("(?m)^ADD sluice-\\*\\.tar\\.gz /opt/$")
                .containsPattern("(?m)^USER sluice$")
                .containsPattern("(?m)^EXPOSE 8080 " + adminPort.group(1) + "$")
                .contains("http://127.0.0.1:" + adminPort.group(1) + "/live")
                .containsPattern("(?m)^ENTRYPOINT \\[\"/opt/sluice/bin/sluice\", \"proxy\", \"--config\", "
                        + "\"/etc/sluice/sluice.yaml\"]$");
        assertThat(docker.indexOf("USER sluice")).as("the image runs as sluice").isLessThan(docker.indexOf("ENTRYPOINT"));

        String unit = Files.readString(home.resolve("deploy/sluice.service"));
        assertThat(unit).contains("ExecStart=/opt/sluice/bin/sluice proxy --config /etc/sluice/sluice.yaml",
                "ExecReload=/bin/kill -HUP $MAINPID", "KillSignal=SIGTERM", "User=sluice");
        Matcher stop = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)s$").matcher(unit);
        assertThat(stop.find()).isTrue();
        assertThat(Integer.parseInt(stop.group(1))).as("TimeoutStopSec above drainTimeout")
                .isGreaterThan(Integer.parseInt(drain.group(1)));
    }

    /** Waits for a JSON log line whose message matches {@code pattern}; returns its first group. */
    private static String awaitLogged(Process proxy, Path log, String pattern) throws Exception {
        Pattern p = Pattern.compile(pattern);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertThat(proxy.isAlive()).as("the proxy is running; its log: " + Files.readString(log)).isTrue();
            for (String line : Files.readAllLines(log)) {
                JsonNode event;
                try {
                    event = JSON.readTree(line);
                } catch (IOException partial) {
                    continue; // the last line, still being written
                }
                Optional<String> found = Optional.ofNullable(event.get("formattedMessage"))
                        .map(JsonNode::asText).map(p::matcher).filter(Matcher::find).map(m -> m.group(1));
                if (found.isPresent()) {
                    return found.get();
                }
            }
            Thread.onSpinWait();
            proxy.waitFor(50, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("no log line matching " + pattern + " within 60 s: " + Files.readString(log));
    }

    private static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
