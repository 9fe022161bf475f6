package io.sluice.reports.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Debian's Chromium, headless, driven over the Chrome DevTools Protocol with the JDK's own
 * WebSocket client: no driver, no npm package, no browser download. Starts with the flags this
 * machine needs (no sandbox as root; no background networking, component updates, sync or QUIC,
 * which would only try to reach the internet) and a fresh profile folder, on a DevTools port on
 * 127.0.0.1 chosen by Chromium itself.
 *
 * <p>One page per instance; every console message, uncaught exception, log entry and network
 * request of that page is recorded from before it starts loading.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");

    private final Process process;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final String session;

    /** The Chromium to use: {@code $SLUICE_CHROMIUM} if set, else the first of the usual paths. */
    static Optional<Path> find() {
        String override = System.getenv("SLUICE_CHROMIUM");
        if (override != null && !override.isBlank()) {
            return Optional.of(Path.of(override)).filter(Files::isExecutable);
        }
        return CANDIDATES.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    private HeadlessChromium(Process process, WebSocket socket, Listener listener) throws IOException {
        this.process = process;
        this.socket = socket;
        listener.owner = this;
        JsonNode target = call(null, "Target.createTarget", Map.of("url", "about:blank"));
        JsonNode attached = call(null, "Target.attachToTarget",
                Map.of("targetId", target.get("targetId").asText(), "flatten", true));
        session = attached.get("sessionId").asText();
        for (String domain : List.of("Runtime", "Log", "Page", "Network")) {
            call(session, domain + ".enable", Map.of());
        }
    }

    /**
     * Starts Chromium with a fresh profile in {@code profile} (its stdout and stderr go to
     * {@code profile/chromium.log}) and attaches to a blank page.
     */
    static HeadlessChromium launch(Path executable, Path profile, int width, int height) throws IOException {
        Files.createDirectories(profile);
        Path portFile = profile.resolve("DevToolsActivePort");
        Files.deleteIfExists(portFile);
        Process process = new ProcessBuilder(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
                "--user-data-dir=" + profile.toAbsolutePath(), "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--window-size=" + width + "," + height, "about:blank")
                .redirectErrorStream(true)
                .redirectOutput(profile.resolve("chromium.log").toFile())
                .start();
        try {
            // Chromium writes "<port>\n<browser path>" once DevTools listens.
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            List<String> lines = List.of();
            while (lines.size() < 2) {
                if (!process.isAlive()) {
                    throw new IOException("chromium exited with " + process.exitValue() + "; see "
                            + profile.resolve("chromium.log"));
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("chromium did not open its DevTools port within " + TIMEOUT);
                }
                Thread.sleep(50);
                if (Files.exists(portFile)) {
                    lines = Files.readAllLines(portFile);
                }
            }
            URI browser = URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
            Listener listener = new Listener();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT)
                    .buildAsync(browser, listener).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return new HeadlessChromium(process, socket, listener);
        } catch (Exception e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof IOException io ? io : new IOException("cannot drive chromium: " + e, e);
        }
    }

    /** Loads {@code url} and waits for its load event. */
    void open(String url) throws IOException {
        int before = eventCount();
        call(session, "Page.navigate", Map.of("url", url));
        awaitEvent(before, e -> "Page.loadEventFired".equals(e.path("method").asText()));
    }

    /** Evaluates {@code expression} in the page and returns its value as JSON. */
    JsonNode evaluate(String expression) throws IOException {
        JsonNode result = call(session, "Runtime.evaluate",
                Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IOException("page script failed: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** A PNG of the whole page, not just the window. */
    byte[] screenshot() throws IOException {
        return screenshot(0, pageHeight());
    }

    /** The page's full height in CSS pixels. */
    double pageHeight() throws IOException {
        return call(session, "Page.getLayoutMetrics", Map.of()).path("cssContentSize").path("height").asDouble();
    }

    /** A PNG of the page's full width from {@code top}, {@code height} CSS pixels tall. */
    byte[] screenshot(double top, double height) throws IOException {
        JsonNode size = call(session, "Page.getLayoutMetrics", Map.of()).path("cssContentSize");
        Map<String, Object> clip = Map.of("x", 0, "y", top, "width", size.path("width").asDouble(),
                "height", height, "scale", 1);
        JsonNode shot = call(session, "Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
        return Base64.getDecoder().decode(shot.get("data").asText());
    }

    /**
     * Console errors and assertions, uncaught exceptions and error log entries (failed loads,
     * content-security-policy violations), each as one line.
     */
    List<String> errors() {
        List<String> errors = new ArrayList<>();
        for (JsonNode e : snapshot()) {
            String method = e.path("method").asText();
            JsonNode p = e.path("params");
            if (method.equals("Runtime.consoleAPICalled")
                    && List.of("error", "assert").contains(p.path("type").asText())) {
                errors.add("console." + p.path("type").asText() + ": " + p.path("args"));
            } else if (method.equals("Runtime.exceptionThrown")) {
                errors.add("exception: " + p.path("exceptionDetails"));
            } else if (method.equals("Log.entryAdded") && p.path("entry").path("level").asText().equals("error")) {
                errors.add("log: " + p.path("entry").path("text").asText() + " " + p.path("entry").path("url").asText());
            }
        }
        return errors;
    }

    /** The URL of every request the page made, the page itself included. */
    List<String> requests() {
        List<String> urls = new ArrayList<>();
        for (JsonNode e : snapshot()) {
            if (e.path("method").asText().equals("Network.requestWillBeSent")) {
                urls.add(e.path("params").path("request").path("url").asText());
            }
        }
        return urls;
    }

    @Override
    public void close() {
        try {
            call(null, "Browser.close", Map.of());
        } catch (IOException | RuntimeException ignored) {
            // Closing anyway below.
        }
        socket.abort();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private JsonNode call(String sessionId, String method, Map<String, Object> params) throws IOException {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id);
        message.put("method", method);
        message.set("params", JSON.valueToTree(params));
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        try {
            socket.sendText(JSON.writeValueAsString(message), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            JsonNode answer = reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (answer.has("error")) {
                throw new IOException(method + " failed: " + answer.get("error"));
            }
            return answer.path("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(method + " interrupted", e);
        } catch (Exception e) {
            throw e instanceof IOException io ? io : new IOException(method + ": " + e, e);
        } finally {
            pending.remove(id);
        }
    }

    private void awaitEvent(int from, Predicate<JsonNode> wanted) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        synchronized (events) {
            while (true) {
                for (int i = from; i < events.size(); i++) {
                    if (wanted.test(events.get(i))) {
                        return;
                    }
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new IOException("timed out waiting for the page to load");
                }
                try {
                    events.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
    }

    private int eventCount() {
        synchronized (events) {
            return events.size();
        }
    }

    private List<JsonNode> snapshot() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    private void receive(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            return;
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> reply = pending.get(message.get("id").asInt());
            if (reply != null) {
                reply.complete(message);
            }
        } else {
            synchronized (events) {
                events.add(message);
                events.notifyAll();
            }
        }
    }

    /** Gathers a message's fragments and hands whole messages to the owner. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private volatile HeadlessChromium owner;
        private final List<String> early = new ArrayList<>();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                HeadlessChromium o = owner;
                if (o == null) {
                    synchronized (early) {
                        early.add(message);
                    }
                } else {
                    synchronized (early) {
                        early.forEach(o::receive);
                        early.clear();
                    }
                    o.receive(message);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
