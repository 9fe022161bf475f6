package io.sluice.config;

import io.sluice.algorithms.Durations;
import io.sluice.algorithms.Range;
import io.sluice.algorithms.SettingException;
import io.sluice.config.internal.Locations;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Every problem found in one file, collected rather than thrown, so that a user sees all of them at
 * once, each at its YAML path and line; and the typed checks of the validation pass, which read a
 * bound value, apply its default or report it missing, and check its range in the one wording of
 * {@link Range}.
 *
 * <p>Binding records two kinds of problem. A value of the wrong type ({@code max-retries: x}) is held
 * back until the validation pass checks that path, so the message can say what is allowed
 * ({@code 'x' is not a whole number; a whole number from 0 to 10}); a problem of structure (an
 * unknown key, a list where a mapping belongs) is an error at once. {@link #errors()} returns them
 * all in file order.
 *
 * <p>Not thread-safe: one per file read.
 */
public final class Problems {
    private final String source;
    private final Locations locations;
    private final List<ConfigError> errors = new ArrayList<>();
    private final Map<String, String> pending = new LinkedHashMap<>();

    /**
     * @param source the file as the user named it, the prefix of every error
     * @param locations where the keys of the file are
     */
    public Problems(String source, Locations locations) {
        this.source = Objects.requireNonNull(source, "source");
        this.locations = Objects.requireNonNull(locations, "locations");
    }

    public String source() {
        return source;
    }

    /** Records a problem at {@code path}; its line is the key's, or its nearest enclosing key's. */
    public void error(String path, String message) {
        errors.add(new ConfigError(source, locations.line(path), path, message));
    }

    /** Records a problem of the whole file at a line (a YAML syntax error). */
    public void errorAtLine(int line, String message) {
        errors.add(new ConfigError(source, Math.max(1, line), "", message));
    }

    /** Records a problem of the value at {@code path} found while binding; see the class comment. */
    public void typeProblem(String path, String problem) {
        pending.putIfAbsent(path, problem);
    }

    /** Whether binding found the value at {@code path} unusable; a check that sees null must not also call it missing. */
    public boolean isBad(String path) {
        return pending.containsKey(path);
    }

    /** Whether the file has a key at {@code path}. */
    public boolean present(String path) {
        return locations.has(path);
    }

    /** The scalar at {@code path} as the user wrote it, for messages; null when there is none. */
    public String written(String path) {
        return locations.scalar(path);
    }

    public boolean hasErrors() {
        return !errors.isEmpty() || !pending.isEmpty();
    }

    /** Every problem in file order (line, then the order found). */
    public List<ConfigError> errors() {
        List<ConfigError> all = new ArrayList<>(errors);
        pending.forEach((path, problem) -> all.add(new ConfigError(source, locations.line(path), path, problem)));
        // File order: this file's errors by line; a referred file's errors where the reference is.
        all.sort(Comparator.comparingInt(e -> e.source().equals(source) ? e.line() : lineOfForeign(e)));
        return all;
    }

    private final Map<ConfigError, Integer> foreignLines = new java.util.IdentityHashMap<>();

    /** Records a problem of another file, ordered as if at {@code path} of this one. */
    public void add(String path, ConfigError foreign) {
        errors.add(foreign);
        foreignLines.put(foreign, locations.line(path));
    }

    private int lineOfForeign(ConfigError e) {
        return foreignLines.getOrDefault(e, Integer.MAX_VALUE);
    }

    /** @throws ConfigException with every problem, if there is any */
    public void throwIfAny() {
        if (hasErrors()) {
            throw new ConfigException(errors());
        }
    }

    // ---- The validation pass's checks. Each returns the value to use: the file's, or the default;
    //      on a problem it records it and returns the default (or null for a required value).

    /**
     * Runs a builder call; a {@link SettingException} it throws becomes an error at
     * {@code sectionPath.setting}.
     *
     * @return false when it threw
     */
    public boolean apply(String sectionPath, Runnable setter) {
        try {
            setter.run();
            return true;
        } catch (SettingException e) {
            error(join(sectionPath, e.setting()), e.problem());
            return false;
        }
    }

    /**
     * The value at {@code path}: {@code value} if usable, else {@code dflt}. A type problem held
     * back for the path is reported with {@code allowed} appended; a missing value with no default
     * ({@code dflt} null) is reported as required.
     */
    public <T> T value(String path, T value, T dflt, String allowed) {
        String problem = pending.remove(path);
        if (problem != null) {
            error(path, problem + "; " + allowed);
            return dflt;
        }
        if (value == null) {
            if (dflt == null && !hasErrorsUnder(path)) {
                error(path, "required; " + allowed);
            }
            return dflt;
        }
        return value;
    }

    /** Whether a problem was already reported inside {@code path} (a mapping whose kind was unusable). */
    private boolean hasErrorsUnder(String path) {
        String prefix = path.isEmpty() ? "" : path + ".";
        for (ConfigError e : errors) {
            if (e.path().startsWith(prefix) && e.source().equals(source)) {
                return true;
            }
        }
        return false;
    }

    /** A whole number in {@code range}; {@code dflt} when absent (null: required). */
    public Long wholeNumber(String path, Long value, Range range, Long dflt) {
        if (value == null) {
            return value(path, null, dflt, range.describe());
        }
        if (!range.contains(value)) {
            error(path, value + " is out of range; " + range.describe());
            return dflt;
        }
        return value;
    }

    /** As {@link #wholeNumber(String, Long, Range, Long)} for an {@code int} setting. */
    public Integer integer(String path, Long value, Range range, Integer dflt) {
        Long v = wholeNumber(path, value, range, dflt == null ? null : (long) dflt);
        return v == null ? null : (int) (long) v;
    }

    /** A number in {@code range}; {@code dflt} when absent (null: required). */
    public Double number(String path, Double value, Range range, Double dflt) {
        if (value == null) {
            return value(path, null, dflt, range.describe());
        }
        if (!range.contains(value) || Double.isInfinite(value)) {
            error(path, shown(path, Range.plain(value)) + " is out of range; " + range.describe());
            return dflt;
        }
        return value;
    }

    /** A duration in {@code range}, in nanoseconds; {@code dflt} when absent (null: required). */
    public Long duration(String path, Duration value, Range range, Long dflt) {
        String allowed = range.describe() + " with a unit (ns, us, ms, s, m, h), like 250ms or 10s";
        if (value == null) {
            return value(path, null, dflt, allowed);
        }
        long nanos = value.toNanos();
        if (!range.contains(nanos)) {
            error(path, shown(path, Durations.format(nanos)) + " is out of range; " + range.describe());
            return dflt;
        }
        return nanos;
    }

    /** {@code true} or {@code false}; {@code dflt} when absent. */
    public boolean bool(String path, Boolean value, boolean dflt) {
        return value != null ? value : value(path, null, dflt, "write true or false");
    }

    /** Text; {@code dflt} when absent (null: required). */
    public String text(String path, String value, String dflt, String allowed) {
        return value != null ? value : value(path, null, dflt, allowed);
    }

    /**
     * One of {@code choices} (compared in lower case), returned in lower case; {@code dflt} when
     * absent (null: required).
     */
    public String choice(String path, String value, List<String> choices, String dflt) {
        String allowed = "one of " + String.join(", ", choices);
        if (value == null) {
            return value(path, null, dflt, allowed);
        }
        String lower = value.trim().toLowerCase(Locale.ROOT);
        if (!choices.contains(lower)) {
            error(path, "'" + value + "' is not allowed; " + allowed);
            return dflt;
        }
        return lower;
    }

    /**
     * A required value, section or list: {@code value}, or null after reporting it missing (or, when
     * binding found it unusable, what was wrong) with {@code what} is allowed.
     */
    public <T> T required(String path, T value, String what) {
        return value(path, value, null, what);
    }

    /** The user's text when the file has a scalar at {@code path}, else {@code fallback}. */
    private String shown(String path, String fallback) {
        String w = locations.scalar(path);
        return w == null ? fallback : w;
    }

    /** {@code parent.key}, or {@code key} at the root. */
    public static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** {@code list[i]}. */
    public static String index(String list, int i) {
        return list + "[" + i + "]";
    }

    /**
     * A file the config names ({@code tls} certificates and keys, a JWK set): the path, or null after
     * an error that names it and says what is wrong (not a path, no such file, not readable).
     */
    public Path readableFile(String path, String value) {
        Path p;
        try {
            p = Path.of(value);
        } catch (InvalidPathException e) {
            error(path, "'" + value + "' is not a file path: " + e.getMessage());
            return null;
        }
        if (!Files.isRegularFile(p)) {
            error(path, "no file '" + value + "' (from " + Path.of("").toAbsolutePath() + ")");
            return null;
        }
        if (!Files.isReadable(p)) {
            error(path, "file '" + value + "' is not readable by this process");
            return null;
        }
        return p;
    }
}
