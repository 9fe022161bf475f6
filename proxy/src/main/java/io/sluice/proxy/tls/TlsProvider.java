package io.sluice.proxy.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;

/**
 * Which TLS implementation terminates: OpenSSL (BoringSSL from netty-tcnative-boringssl-static)
 * when its native library loads, the JDK's otherwise. {@code -Dsluice.tls.provider=jdk} (or
 * {@code openssl}) forces one; forcing {@code openssl} where it cannot load is an error.
 */
public enum TlsProvider {
    OPENSSL(SslProvider.OPENSSL), JDK(SslProvider.JDK);

    final SslProvider netty;

    TlsProvider(SslProvider netty) {
        this.netty = netty;
    }

    /** The label value of metrics and the start-up log: {@code openssl} or {@code jdk}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The provider this process uses. */
    public static TlsProvider current() {
        String forced = System.getProperty("sluice.tls.provider", "");
        if (forced.equalsIgnoreCase("jdk")) {
            return JDK;
        }
        if (forced.equalsIgnoreCase("openssl")) {
            if (!OpenSsl.isAvailable()) {
                throw new IllegalStateException("-Dsluice.tls.provider=openssl, but OpenSSL cannot load: "
                        + OpenSsl.unavailabilityCause());
            }
            return OPENSSL;
        }
        return OpenSsl.isAvailable() ? OPENSSL : JDK;
    }

    /** A line for the start-up log: the provider and, for OpenSSL, its version. */
    public String describe() {
        return this == OPENSSL ? "openssl (" + OpenSsl.versionString() + ")"
                : "jdk (" + System.getProperty("java.vendor") + " " + System.getProperty("java.version")
                + (OpenSsl.isAvailable() ? "" : "; OpenSSL unavailable: " + OpenSsl.unavailabilityCause()) + ")";
    }
}
