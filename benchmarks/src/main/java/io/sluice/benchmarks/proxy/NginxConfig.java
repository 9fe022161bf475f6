package io.sluice.benchmarks.proxy;

import java.nio.file.Path;
import java.util.List;

/**
 * NGINX in two roles, each its own foreground instance with every path inside a private directory
 * (never the system nginx service or its config): a backend that answers every request with a small
 * fixed body, and the NGINX proxy under test.
 */
final class NginxConfig {
    /**
     * Requests per client or upstream connection before NGINX closes it. Its default is 1000 since
     * 1.19.10; wrk would then reconnect every 1000 requests on NGINX but never on HAProxy, which
     * measures connection setup on one side only. A million outlasts any run here.
     */
    static final int KEEPALIVE_REQUESTS = 1_000_000;

    /**
     * Idle upstream connections each NGINX worker keeps to the backends. It must exceed the
     * connections wrk opens (up to 256 by default) so that no request waits for a new upstream connection.
     */
    static final int UPSTREAM_KEEPALIVE = 512;

    private NginxConfig() {
    }

    /**
     * A backend: one worker, no access log, {@code 200} with {@code body} for every path, keep-alive.
     * NGINX answering from its config is the cheapest HTTP server at hand (no file, no upstream, no
     * JIT or GC), so the backends take as little of the shared CPUs as possible; the direct target
     * shows how fast one of them is on its own.
     *
     * @param dir  this instance's own directory (pid file, logs, temp paths)
     * @param port the port on 127.0.0.1 to listen on
     * @param body the response body (a newline is appended)
     */
    static String backend(Path dir, int port, String body) {
        return head(dir, 1)
                + "    server {\n"
                + "        listen " + Loopback.address(port) + ";\n"
                + "        location / {\n"
                + "            default_type text/plain;\n"
                + "            return 200 \"" + body + "\\n\";\n"
                + "        }\n"
                + "    }\n"
                + "}\n";
    }

    /**
     * The NGINX proxy: {@code workers} worker processes, round robin over {@code backendPorts}
     * (NGINX's default balancing), HTTP/1.1 with keep-alive to the backends: {@code
     * proxy_http_version 1.1} and an empty {@code Connection} header, without which NGINX would send
     * {@code Connection: close} and open a new upstream connection per request.
     *
     * @param dir this instance's own directory (pid file, logs, temp paths)
     */
    static String proxy(Path dir, int workers, int port, List<Integer> backendPorts) {
        StringBuilder conf = new StringBuilder(head(dir, workers));
        conf.append("    upstream backends {\n");
        for (int backend : backendPorts) {
            conf.append("        server ").append(Loopback.address(backend)).append(";\n");
        }
        conf.append("        keepalive ").append(UPSTREAM_KEEPALIVE).append(";\n")
                .append("        keepalive_requests ").append(KEEPALIVE_REQUESTS).append(";\n")
                .append("    }\n")
                .append("    server {\n")
                .append("        listen ").append(Loopback.address(port)).append(";\n")
                .append("        location / {\n")
                .append("            proxy_pass http://backends;\n")
                .append("            proxy_http_version 1.1;\n")
                .append("            proxy_set_header Connection \"\";\n")
                .append("        }\n")
                .append("    }\n")
                .append("}\n");
        return conf.toString();
    }

    /**
     * The arguments that run NGINX in the foreground on {@code config}, its prefix and early error log
     * in {@code dir} ({@code -e} keeps it from opening the system's log before it reads the config).
     */
    static List<String> command(Path nginx, Path dir, Path config) {
        return List.of(nginx.toString(), "-p", dir + "/", "-e", dir.resolve("error.log").toString(), "-c",
                config.toString());
    }

    /** The same arguments plus {@code -t}: test the config and exit. */
    static List<String> testCommand(Path nginx, Path dir, Path config) {
        return List.of(nginx.toString(), "-t", "-p", dir + "/", "-e", dir.resolve("error.log").toString(), "-c",
                config.toString());
    }

    // Everything up to and including the opening of the http block. daemon off + master process:
    // NGINX stays the child we started and takes its workers down when it is stopped. Temp paths live
    // in dir so that no system directory needs to exist or be writable.
    private static String head(Path dir, int workers) {
        String d = dir.toString();
        return "daemon off;\n"
                + "master_process on;\n"
                + "worker_processes " + workers + ";\n"
                + "pid " + d + "/nginx.pid;\n"
                + "error_log " + d + "/error.log warn;\n"
                + "events {\n"
                + "    worker_connections 4096;\n"
                + "}\n"
                + "http {\n"
                + "    access_log off;\n"
                + "    keepalive_requests " + KEEPALIVE_REQUESTS + ";\n"
                + "    keepalive_timeout 60s;\n"
                + "    client_body_temp_path " + d + "/client_body;\n"
                + "    proxy_temp_path " + d + "/proxy;\n"
                + "    fastcgi_temp_path " + d + "/fastcgi;\n"
                + "    uwsgi_temp_path " + d + "/uwsgi;\n"
                + "    scgi_temp_path " + d + "/scgi;\n";
    }
}
