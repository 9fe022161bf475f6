package io.sluice.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Keys a section used to have, each with what to write instead: {@code "attempts = max-retries (the
 * same number: retries after the first attempt)"}. A file that still uses one gets an error at the
 * old key naming the new one, rather than "unknown key". Any other camelCase key whose kebab-case
 * form is a key of the section gets the same treatment without being listed.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface OldKeys {
    /** {@code "old-key = what to write instead"}, one per old key. */
    String[] value();
}
