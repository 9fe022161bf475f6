package io.sluice.algorithms.filter;

/** What a request filter may look at; a protocol answers what it has (null where it has nothing). */
public interface FilterInputs {
    /** The client address's bytes (4 or 16), or null. */
    byte[] clientAddress();

    /** The method, upper case. */
    String method();

    /** The host without port, lower case, or null. */
    String host();

    /** The path, without the query. */
    String path();

    /** The first value of header {@code name} (lower case), or null. */
    String header(String name);

    /** The first value of query parameter {@code name}, decoded, or null. */
    String queryParameter(String name);

    /** The body's declared length, or -1 when unknown (chunked, none declared). */
    long declaredBodyBytes();
}
