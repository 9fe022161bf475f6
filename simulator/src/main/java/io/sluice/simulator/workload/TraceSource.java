package io.sluice.simulator.workload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a trace's bytes come from: a file, or a resource on the class path. */
record TraceSource(String name, Path file, String resource, ClassLoader loader) {
    static TraceSource ofFile(Path file) {
        return new TraceSource(file.toString(), file, null, null);
    }

    static TraceSource ofResource(String resource, ClassLoader loader) {
        return new TraceSource("classpath:" + resource, null, resource, loader);
    }

    /** The file name alone, for format detection and reports. */
    String fileName() {
        String n = file != null ? file.getFileName().toString() : resource;
        int slash = n.lastIndexOf('/');
        return slash >= 0 ? n.substring(slash + 1) : n;
    }

    InputStream open() throws IOException {
        if (file != null) {
            return Files.newInputStream(file);
        }
        InputStream in = loader.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("no class path resource " + resource);
        }
        return in;
    }
}
