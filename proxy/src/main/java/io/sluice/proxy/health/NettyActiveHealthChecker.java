package io.sluice.proxy.health;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.health.HealthCheckConfig;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@link ActiveHealthChecker} with one {@link BackendProbe} per backend; membership is guarded by {@code this}. */
final class NettyActiveHealthChecker implements ActiveHealthChecker {
    private final CheckSpec spec;
    private final HealthCheckConfig config;
    private final EventLoopGroup group;
    private final ChannelFactory<? extends Channel> streamChannels;
    private final ChannelFactory<? extends Channel> datagramChannels;
    private final Environment env;
    private final HealthListener listener;
    private final TaskScheduler scheduler;

    private Map<String, BackendProbe> probes = new LinkedHashMap<>();
    private CompletableFuture<Void> stopped;

    NettyActiveHealthChecker(CheckSpec spec, HealthCheckConfig config, EventLoopGroup group,
                             ChannelFactory<? extends Channel> streamChannels,
                             ChannelFactory<? extends Channel> datagramChannels, Environment env,
                             HealthListener listener, TaskScheduler scheduler) {
        this.spec = spec;
        this.config = config;
        this.group = group;
        this.streamChannels = streamChannels;
        this.datagramChannels = datagramChannels;
        this.env = env;
        this.listener = listener;
        this.scheduler = scheduler;
    }

    @Override
    public void update(Collection<Backend> backends) {
        // Validate everything before changing anything.
        Map<String, Backend> byId = new LinkedHashMap<>();
        Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
        for (Backend b : backends) {
            if (byId.put(b.id(), b) != null) {
                throw new IllegalArgumentException("two backends have the id '" + b.id() + "'");
            }
            addresses.put(b.id(), BackendAddress.parse(b.id(), b.address()));
        }
        synchronized (this) {
            if (stopped != null) {
                throw new IllegalStateException("the health checker is stopped");
            }
            Map<String, BackendProbe> next = new LinkedHashMap<>();
            List<BackendProbe> started = new ArrayList<>();
            for (Backend b : byId.values()) {
                BackendProbe old = probes.get(b.id());
                if (old != null && old.backend().address().equals(b.address())) {
                    next.put(b.id(), old);
                } else {
                    BackendProbe p = new BackendProbe(b, addresses.get(b.id()), spec, config, group.next(),
                            streamChannels, datagramChannels, env, scheduler, listener);
                    next.put(b.id(), p);
                    started.add(p);
                }
            }
            for (Map.Entry<String, BackendProbe> e : probes.entrySet()) {
                if (next.get(e.getKey()) != e.getValue()) {
                    e.getValue().stop();
                }
            }
            probes = next;
            started.forEach(BackendProbe::start);
        }
    }

    @Override
    public synchronized Optional<HealthState> health(String backendId) {
        BackendProbe p = probes.get(backendId);
        return p == null ? Optional.empty() : Optional.of(p.health());
    }

    @Override
    public synchronized List<BackendCheckStatus> statuses() {
        List<BackendCheckStatus> out = new ArrayList<>(probes.size());
        for (BackendProbe p : probes.values()) {
            out.add(p.snapshot());
        }
        return out;
    }

    @Override
    public synchronized CompletableFuture<Void> stop() {
        if (stopped == null) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (BackendProbe p : probes.values()) {
                p.stop();
                all.add(p.retiredFuture());
            }
            probes = new LinkedHashMap<>();
            stopped = CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
        }
        return stopped;
    }
}
