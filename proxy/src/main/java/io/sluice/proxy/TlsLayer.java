package io.sluice.proxy;

import io.netty.channel.Channel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.proxy.tls.TlsTermination;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS {@link StreamLayer}: a listener's {@code tls:} block, terminated by {@link TlsTermination}.
 * One per bound listener (it holds the loaded certificates); it polls the files for changes while
 * the listener is bound and rotates the session ticket keys.
 */
final class TlsLayer implements StreamLayer {
    /** How often the certificate files are checked for a change. */
    static final long POLL_MILLIS = Long.getLong("sluice.tls.poll-millis", 2000);

    private static final Logger log = LoggerFactory.getLogger(TlsLayer.class);

    final TlsTermination termination;

    TlsLayer(TlsTermination termination) {
        this.termination = termination;
    }

    /** The layer {@code config} asks for, or null when it has no {@code tls:} block. */
    static TlsLayer of(ProxyConfig.Listener config) {
        if (config.tls() == null) {
            return null;
        }
        TlsTermination t = TlsTermination.create(config.name(), config.tls(), alpn(config.protocol()));
        log.info("listener '{}': TLS by {}", config.name(), t.provider().describe());
        return new TlsLayer(t);
    }

    /**
     * What ALPN offers: for an HTTP listener {@code h2} (while this build serves it) then
     * {@code http/1.1}; for other protocols nothing, they have no ALPN name to agree on.
     */
    static List<String> alpn(String protocol) {
        if (!"http".equals(protocol)) {
            return List.of();
        }
        return ApplicationProtocol.BY_NAME.containsKey(ApplicationProtocolNames.HTTP_2)
                ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
                : List.of(ApplicationProtocolNames.HTTP_1_1);
    }

    @Override
    public void install(Channel ch, ListenerState listener, Next next) {
        termination.install(ch, next::install);
    }

    @Override
    public void bound(Channel server, ListenerState listener) {
        listener.tls = termination;
        var poll = server.eventLoop().scheduleWithFixedDelay(() -> {
            try {
                termination.reload(false);
            } catch (RuntimeException e) {
                log.error("{}; the certificates loaded before are still served", e.getMessage());
            }
        }, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        long period = TimeUnit.NANOSECONDS.toMillis(TlsTermination.TICKET_KEY_PERIOD_NANOS);
        var rotate = server.eventLoop().scheduleAtFixedRate(termination::rotateTicketKeys, period, period,
                TimeUnit.MILLISECONDS);
        server.closeFuture().addListener(f -> {
            poll.cancel(false);
            rotate.cancel(false);
        });
    }
}
