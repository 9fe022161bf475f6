package io.sluice.proxy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A backend for {@link ChaosTest} that runs as its own operating-system process, so that the test
 * can stop it for real: SIGKILL (the kernel closes its sockets, nothing of it runs) or SIGTERM (its
 * shutdown hook stops accepting, lets requests under way finish for up to a second and closes its
 * keep-alive connections, as a web server's graceful stop does). It answers every request with 200
 * and its id after a pause of 1 ms (so requests are in flight when it dies). Independent of Netty
 * and of the proxy: the JDK's own HTTP server.
 *
 * <p>{@code java ... ChaosBackend ID PORT}: binds 127.0.0.1:PORT (0 for any free port), then
 * prints {@code listening PORT} on standard output.
 */
public final class ChaosBackend {
    private ChaosBackend() {
    }

    public static void main(String[] args) throws IOException {
        String id = args[0];
        int port = Integer.parseInt(args[1]);
        byte[] body = id.getBytes(StandardCharsets.US_ASCII);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        ExecutorService workers = Executors.newFixedThreadPool(16);
        server.setExecutor(workers);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.getResponseHeaders().add("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        Thread graceful = new Thread(() -> {
            server.stop(1);
            workers.shutdown();
            try {
                workers.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "chaos-backend-stop");
        Runtime.getRuntime().addShutdownHook(graceful);
        System.out.println("listening " + server.getAddress().getPort());
        System.out.flush();
    }
}
