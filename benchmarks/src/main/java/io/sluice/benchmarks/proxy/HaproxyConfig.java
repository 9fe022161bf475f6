package io.sluice.benchmarks.proxy;

import java.nio.file.Path;
import java.util.List;

/** The HAProxy under test, configured to match the other proxies. */
final class HaproxyConfig {
    /**
     * Concurrent connections HAProxy accepts, far above what wrk opens. HAProxy reserves about two
     * file descriptors per connection at start-up and refuses to start when the process limit is
     * lower (20,000 on this machine, too few for 10,000), so this stays modest.
     */
    static final int MAX_CONNECTIONS = 4096;

    private HaproxyConfig() {
    }

    /**
     * HTTP mode with {@code threads} threads ({@code nbthread}: one process, like Sluice's event
     * loops), {@code balance roundrobin} over {@code backendPorts}, keep-alive on both sides
     * (HAProxy's default {@code option http-keep-alive}) and {@code http-reuse always}, so idle
     * server connections are shared between client connections as NGINX's upstream {@code keepalive}
     * pool and Sluice's connection pool do. No {@code log} line: no access log, as for the others.
     * Timeouts mirror Sluice's defaults (connect 1s, response 30s, idle 60s).
     */
    static String render(int threads, int port, List<Integer> backendPorts) {
        StringBuilder cfg = new StringBuilder()
                .append("global\n")
                .append("    nbthread ").append(threads).append('\n')
                .append("    maxconn ").append(MAX_CONNECTIONS).append('\n')
                .append("\n")
                .append("defaults\n")
                .append("    mode http\n")
                .append("    option http-keep-alive\n")
                .append("    http-reuse always\n")
                .append("    timeout connect 1s\n")
                .append("    timeout client 60s\n")
                .append("    timeout server 30s\n")
                .append("    timeout http-keep-alive 60s\n")
                .append("\n")
                .append("frontend bench\n")
                .append("    bind ").append(Loopback.address(port)).append('\n')
                .append("    default_backend backends\n")
                .append("\n")
                .append("backend backends\n")
                .append("    balance roundrobin\n");
        for (int i = 0; i < backendPorts.size(); i++) {
            cfg.append("    server b").append(i + 1).append(' ').append(Loopback.address(backendPorts.get(i)))
                    .append('\n');
        }
        return cfg.toString();
    }

    /** HAProxy in the foreground ({@code -db}: no daemon) on {@code config}. */
    static List<String> command(Path haproxy, Path config) {
        return List.of(haproxy.toString(), "-db", "-f", config.toString());
    }

    /** {@code haproxy -c}: check the config and exit. */
    static List<String> checkCommand(Path haproxy, Path config) {
        return List.of(haproxy.toString(), "-c", "-f", config.toString());
    }
}
