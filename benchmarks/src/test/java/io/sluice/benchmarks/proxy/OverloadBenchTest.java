package io.sluice.benchmarks.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.config.proxy.ProxyConfig;
import io.sluice.config.proxy.ProxyConfigs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The overload benchmark's configs, script and options; each proxy checks its own config when installed. */
class OverloadBenchTest {
    private static final List<Integer> BACKENDS = List.of(41001, 41002);

    @TempDir
    Path dir;

    @Test
    void sluiceLoadsTheRateLimitAndTheFilterChain() {
        ProxyConfig limited = ProxyConfigs.parse(OverloadConfigs.sluice(1, 40000, 40009, BACKENDS, 1000, 100));
        ProxyConfig.Route route = limited.listeners().get(0).routes().get(0);
        assertThat(route.rateLimits()).hasSize(1);
        assertThat(route.filters()).isEmpty();
        ProxyConfig filtered = ProxyConfigs.parse(OverloadConfigs.sluiceFilters(1, 40000, 40009, BACKENDS, 20));
        assertThat(filtered.listeners().get(0).routes().get(0).filters()).hasSize(20);
        assertThat(ProxyConfigs.parse(OverloadConfigs.sluiceFilters(1, 40000, 40009, BACKENDS, 0))
                .listeners().get(0).routes().get(0).filters()).isEmpty();
    }

    @Test
    void thePacingScriptSpreadsTheRateOverTheConnections() {
        // 50 connections at 10,000/s: each waits 5 ms before a request, 200/s each.
        assertThat(OverloadConfigs.pacedScript("flood", 50, 10_000)).contains("wrk.headers[\"x-client\"] = \"flood\"")
                .contains("return 5\n");
        assertThat(OverloadConfigs.pacedScript("probe", 4, 200)).contains("return 20\n");
    }

    @Test
    void optionsHaveDefaultsAQuickProfileAndClearErrors() {
        OverloadBench.Options d = OverloadBench.Options.parse(new String[0]);
        assertThat(d.rate()).isEqualTo(1000);
        assertThat(d.overload()).isEqualTo(10);
        assertThat(d.filterRules()).isEqualTo(20);
        OverloadBench.Options q = OverloadBench.Options.parse(new String[] {"--quick", "--rounds", "2"});
        assertThat(q.seconds()).isEqualTo(2);
        assertThat(q.rounds()).isEqualTo(2);
        assertThatThrownBy(() -> OverloadBench.Options.parse(new String[] {"--rate", "-3"}))
                .hasMessageContaining("--rate: '-3' is not a whole number above 0");
        assertThatThrownBy(() -> OverloadBench.Options.parse(new String[] {"--duration", "fast"}))
                .hasMessageContaining("--duration: 'fast' is not a duration");
        assertThatThrownBy(() -> OverloadBench.Options.parse(new String[] {"--colour"}))
                .hasMessageContaining("'--colour' needs a value");
    }

    @Test
    void haproxyAcceptsItsStickTableLimit() throws Exception {
        Optional<Path> haproxy = Tools.find("haproxy");
        assumeTrue(haproxy.isPresent(), "haproxy is not installed: config not checked by haproxy -c");
        Path cfg = dir.resolve("haproxy.cfg");
        String text = OverloadConfigs.haproxy(1, 40000, BACKENDS, 1000);
        assertThat(text).contains("http-request deny deny_status 429 if { sc_http_req_rate(0) gt 1000 }");
        Files.writeString(cfg, text);
        Result r = run(HaproxyConfig.checkCommand(haproxy.get(), cfg));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContain("[ALERT]");
    }

    @Test
    void nginxAcceptsItsLimitReq() throws Exception {
        Optional<Path> nginx = Tools.find("nginx");
        assumeTrue(nginx.isPresent(), "nginx is not installed: config not checked by nginx -t");
        Path home = Files.createDirectories(dir.resolve("nginx"));
        Path conf = home.resolve("nginx.conf");
        String text = OverloadConfigs.nginx(home, 1, 40001, BACKENDS, 1000, 100);
        assertThat(text).contains("limit_req_zone $http_x_client zone=per_client:10m rate=1000r/s;")
                .contains("limit_req zone=per_client burst=100 nodelay;");
        Files.writeString(conf, text);
        Result r = run(NginxConfig.testCommand(nginx.get(), home, conf));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("test is successful").doesNotContain("[emerg]");
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
