package io.sluice.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What the build stamped into this jar: {@code io/sluice/proxy/build.properties}, filtered by Maven
 * with the project's version. {@code sluice --version} and the {@code sluice_build_info} metric read
 * it, so neither repeats a version by hand.
 */
public final class BuildInfo {
    private static final String VERSION = load();

    private BuildInfo() {
    }

    /** The project version, such as {@code 0.1.0} or {@code 0.2.0-SNAPSHOT}; {@code unknown} if the build did not stamp one. */
    public static String version() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").trim();
            return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
