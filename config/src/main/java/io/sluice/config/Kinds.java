package io.sluice.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a sealed section interface whose record is chosen by one of its keys ({@code kind: poisson},
 * {@code protocol: http}), listed with {@link com.fasterxml.jackson.annotation.JsonSubTypes}: the
 * key, and the record used when the key is absent ({@code Void.class}: the key is required).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Kinds {
    /** The key that chooses: {@code kind}, {@code protocol}. */
    String property();

    /** The record used when the key is absent; {@code Void.class} when it is required. */
    Class<?> missing() default Void.class;
}
