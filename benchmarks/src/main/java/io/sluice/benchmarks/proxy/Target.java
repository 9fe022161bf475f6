package io.sluice.benchmarks.proxy;

/**
 * What wrk is pointed at, in the order every round measures them: a backend directly (the ceiling
 * no proxy can beat on this machine), then the proxies, each balancing over both backends. With
 * {@code --kafka}, Sluice runs twice: static, and with its Kafka control plane ({@code sluice-kafka}),
 * measured in the same interleaved rounds.
 */
enum Target {
    DIRECT("direct", "backend b1 directly, no proxy"),
    SLUICE("sluice", "Sluice (./sluice proxy)"),
    SLUICE_KAFKA("sluice-kafka", "Sluice with its Kafka control plane (--kafka)"),
    HAPROXY("haproxy", "HAProxy"),
    NGINX("nginx", "NGINX");

    private final String key;
    private final String description;

    Target(String key, String description) {
        this.key = key;
        this.description = description;
    }

    /** The lower-case name used in the JSON, the tables and file names. */
    String key() {
        return key;
    }

    String description() {
        return description;
    }
}
