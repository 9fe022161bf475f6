package io.sluice.loadtests.mqtt;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asks the brokers themselves which broker each device of a {@link MqttFleet} is on: connects
 * straight to every broker (not through the proxy) and publishes, to each device's probe topic,
 * a QoS 0 message naming that broker. A device is subscribed on exactly the broker it is connected
 * to, so it receives exactly one name. Devices not placed after a round (a QoS 0 message may be
 * dropped under load) are probed again, up to three rounds.
 */
public final class BrokerLocator {
    private BrokerLocator() {
    }

    /**
     * @param brokers broker id to its own address
     * @return client id to broker id, for every device placed within {@code timeout}
     */
    public static Map<String, String> locate(MqttFleet fleet, Map<String, InetSocketAddress> brokers, Duration timeout)
            throws InterruptedException {
        fleet.clearPlacement();
        List<String> ids = fleet.clientIds();
        long deadline = System.nanoTime() + timeout.toNanos();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            for (int round = 1; round <= 3; round++) {
                Map<String, String> placed = fleet.placement();
                List<String> missing = ids.stream().filter(id -> !placed.containsKey(id)).toList();
                if (missing.isEmpty()) {
                    break;
                }
                List<CompletableFuture<Void>> sent = new ArrayList<>();
                for (Map.Entry<String, InetSocketAddress> b : brokers.entrySet()) {
                    sent.add(probe(group, b.getKey(), b.getValue(), missing, round));
                }
                for (CompletableFuture<Void> s : sent) {
                    try {
                        s.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } catch (Exception e) {
                        // A broker that is down or slow places nobody; the others still count.
                    }
                }
                long roundEnd = Math.min(deadline, System.nanoTime() + timeout.toNanos() / 3);
                while (fleet.placement().size() < ids.size() && System.nanoTime() - roundEnd < 0) {
                    Thread.sleep(10);
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
        return fleet.placement();
    }

    /** Publishes the probes for {@code clientIds} to one broker; completes once they are written and the connection closed. */
    private static CompletableFuture<Void> probe(EventLoopGroup group, String brokerId, InetSocketAddress address,
                                                 List<String> clientIds, int round) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        byte[] name = brokerId.getBytes(StandardCharsets.UTF_8);
        new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new MqttDecoder(), MqttEncoder.INSTANCE, new SimpleChannelInboundHandler<MqttMessage>() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1)
                                .clientId("sluice-probe-" + round + "-" + brokerId).cleanSession(true).keepAlive(60)
                                .build());
                    }

                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
                        if (!(msg instanceof MqttConnAckMessage ack)) {
                            return;
                        }
                        if (ack.variableHeader().connectReturnCode() != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                            ctx.close();
                            return;
                        }
                        int n = 0;
                        for (String id : clientIds) {
                            ctx.write(MqttMessageBuilders.publish().topicName(MqttFleet.PROBE_TOPIC_PREFIX + id)
                                    .qos(MqttQoS.AT_MOST_ONCE).payload(Unpooled.wrappedBuffer(name)).build());
                            if (++n % 256 == 0) {
                                ctx.flush();
                            }
                        }
                        ctx.writeAndFlush(MqttMessage.DISCONNECT).addListener(ChannelFutureListener.CLOSE);
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        done.complete(null);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                });
            }
        }).connect(address).addListener(f -> {
            if (!f.isSuccess()) {
                done.complete(null);
            }
        });
        return done;
    }
}
