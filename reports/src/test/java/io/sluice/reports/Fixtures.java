package io.sluice.reports;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The fixture files in src/test/resources/io/sluice/reports (see {@link FixtureWriter}). */
final class Fixtures {
    private Fixtures() {
    }

    /** A fixture by its name relative to this package's resources, e.g. {@code normal.json}. */
    static Path path(String name) {
        try {
            return Path.of(Fixtures.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("no fixture " + name, e);
        }
    }
}
