package io.sluice.benchmarks.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.algorithms.StrategyRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated configs say what the comparison promises (same threads, keep-alive, round robin,
 * only 127.0.0.1), and HAProxy and NGINX accept them. CI does not install haproxy or nginx, so the
 * checks that run them are skipped there by an assumption; the text checks always run.
 */
class ProxyConfigsTest {
    private static final List<Integer> BACKENDS = List.of(41001, 41002);

    @TempDir
    Path dir;

    @Test
    void haproxyRunsTheGivenThreadsRoundRobinWithConnectionReuse() {
        String cfg = HaproxyConfig.render(2, 40000, BACKENDS);
        assertThat(cfg).contains("    nbthread 2\n")
                .contains("    mode http\n")
                .contains("    option http-keep-alive\n")
                .contains("    http-reuse always\n")
                .contains("    bind 127.0.0.1:40000\n")
                .contains("    balance roundrobin\n")
                .contains("    server b1 127.0.0.1:41001\n")
                .contains("    server b2 127.0.0.1:41002\n")
                .doesNotContain("daemon")
                .doesNotContain("\n    log ");
        assertThat(HaproxyConfig.command(Path.of("/usr/sbin/haproxy"), Path.of("/t/h.cfg")))
                .containsExactly("/usr/sbin/haproxy", "-db", "-f", "/t/h.cfg");
    }

    @Test
    void nginxProxyRunsTheGivenWorkersWithUpstreamKeepAlive() {
        String conf = NginxConfig.proxy(dir, 2, 40001, BACKENDS);
        assertThat(conf).contains("worker_processes 2;\n")
                .contains("daemon off;\n")
                .contains("access_log off;")
                .contains("        server 127.0.0.1:41001;\n")
                .contains("        server 127.0.0.1:41002;\n")
                .contains("        keepalive " + NginxConfig.UPSTREAM_KEEPALIVE + ";\n")
                .contains("listen 127.0.0.1:40001;")
                .contains("proxy_http_version 1.1;")
                .contains("proxy_set_header Connection \"\";")
                .contains("pid " + dir + "/nginx.pid;")
                .doesNotContain("least_conn")
                .doesNotContain("ip_hash");
        // Upstream keep-alive must outnumber wrk's largest default connection count or requests wait for new ones.
        assertThat(NginxConfig.UPSTREAM_KEEPALIVE).isGreaterThan(256);
    }

    @Test
    void nginxBackendAnswersAFixedBodyOnLoopback() {
        String conf = NginxConfig.backend(dir, 41001, "sluice bench backend b1");
        assertThat(conf).contains("worker_processes 1;\n")
                .contains("listen 127.0.0.1:41001;")
                .contains("return 200 \"sluice bench backend b1\\n\";")
                .contains("keepalive_requests " + NginxConfig.KEEPALIVE_REQUESTS + ";");
    }

    @Test
    void sluiceRunsTheGivenWorkersRoundRobinOverBothBackends() {
        String yaml = SluiceConfig.render(2, 40002, 40003, BACKENDS);
        assertThat(yaml).contains("\nworkers: 2\n")
                .contains("  listen: 127.0.0.1:40003\n")
                .contains("    bind: 127.0.0.1:40002\n")
                .contains("    protocol: http\n")
                .contains("      name: round-robin\n")
                .contains("      - { id: b1, address: 127.0.0.1:41001, weight: 1 }\n")
                .contains("      - { id: b2, address: 127.0.0.1:41002, weight: 1 }\n")
                .contains("  path: \"off\"\n")
                .contains("      type: none\n");
        assertThat(SluiceConfig.command(Path.of("/src/sluice"), Path.of("/t/s.yaml")))
                .containsExactly("/src/sluice", "proxy", "--config", "/t/s.yaml");
    }

    @Test
    void sluicesStrategyIsARegisteredStrategy() {
        assertThat(StrategyRegistry.standard().strategyNames()).contains(SluiceConfig.STRATEGY);
    }

    @Test
    void everyConfigUsesOnlyTheLoopbackAddress() {
        List<String> configs = List.of(HaproxyConfig.render(1, 40000, BACKENDS),
                NginxConfig.proxy(dir, 1, 40001, BACKENDS), NginxConfig.backend(dir, 41001, "x"),
                SluiceConfig.render(1, 40002, 40003, BACKENDS));
        for (String config : configs) {
            assertThat(config.replace("127.0.0.1", "")).doesNotContainPattern("\\d+\\.\\d+\\.\\d+\\.\\d+")
                    .doesNotContain("localhost").doesNotContain("0.0.0.0").doesNotContain("[::");
        }
    }

    @Test
    void haproxyAcceptsItsConfig() throws Exception {
        Optional<Path> haproxy = Tools.find("haproxy");
        assumeTrue(haproxy.isPresent(), "haproxy is not installed (CI does not install it): config not checked by"
                + " haproxy -c");
        for (int threads : List.of(1, 2)) {
            Path cfg = dir.resolve("haproxy-" + threads + ".cfg");
            Files.writeString(cfg, HaproxyConfig.render(threads, 40000, BACKENDS));
            Result result = run(HaproxyConfig.checkCommand(haproxy.get(), cfg));
            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(result.output()).doesNotContain("[WARNING]").doesNotContain("[ALERT]");
        }
    }

    @Test
    void nginxAcceptsTheProxyAndBackendConfigs() throws Exception {
        Optional<Path> nginx = Tools.find("nginx");
        assumeTrue(nginx.isPresent(), "nginx is not installed (CI does not install it): configs not checked by"
                + " nginx -t");
        for (String name : List.of("proxy", "backend")) {
            Path home = Files.createDirectories(dir.resolve(name));
            Path conf = home.resolve("nginx.conf");
            Files.writeString(conf, name.equals("proxy") ? NginxConfig.proxy(home, 2, 40001, BACKENDS)
                    : NginxConfig.backend(home, 41001, "sluice bench backend b1"));
            Result result = run(NginxConfig.testCommand(nginx.get(), home, conf));
            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(result.output()).contains("test is successful").doesNotContain("[warn]")
                    .doesNotContain("[emerg]");
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        return new Result(p.exitValue(), output);
    }
}
