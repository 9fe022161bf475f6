package io.sluice.config.proxy;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.sluice.config.Kinds;
import java.util.List;

/**
 * One {@code listeners:} entry. Which keys it takes depends on its {@code protocol}: one record per
 * protocol, chosen by that key ({@code http} when absent). A protocol is added as a record here, a
 * {@link JsonSubTypes} entry, and a record in {@link ProxyConfig.Listener}'s permits; its keys then
 * get the same checks and errors as every other section, and an unknown protocol lists it.
 */
@JsonSubTypes({@JsonSubTypes.Type(value = HttpListenerSection.class, name = "http"),
        @JsonSubTypes.Type(value = StreamListenerSection.Tcp.class, name = "tcp"),
        @JsonSubTypes.Type(value = StreamListenerSection.Mqtt.class, name = "mqtt"),
        @JsonSubTypes.Type(value = DatagramListenerSection.Udp.class, name = "udp"),
        @JsonSubTypes.Type(value = DatagramListenerSection.Coap.class, name = "coap")})
@Kinds(property = "protocol", missing = HttpListenerSection.class)
public sealed interface ListenerSection permits HttpListenerSection, StreamListenerSection, DatagramListenerSection {
    /** The listener's name: metrics, the access log and reloads know it by this. */
    String name();

    /** The protocols this build serves, by config name, in the order errors list them. */
    static List<String> protocols() {
        return List.of("http", "tcp", "mqtt", "udp", "coap");
    }
}
