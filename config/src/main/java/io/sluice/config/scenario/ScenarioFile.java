package io.sluice.config.scenario;

import com.fasterxml.jackson.annotation.JsonFormat;
import io.sluice.config.OldKeys;
import io.sluice.config.policy.StrategySection;
import java.time.Duration;
import java.util.List;

/**
 * A simulator scenario as written: every key, kebab-case, bound as is; the simulator checks it and
 * builds its model. Every key with its default is in
 * {@code simulator/src/main/resources/scenarios/scenario-example.yaml}, the schema in
 * {@code schema/sluice-scenario.schema.json}.
 *
 * @param seeds         how many seeds each run is simulated with (the simulator's default when absent)
 * @param requestMethod the HTTP method the simulated requests carry: it decides whether a timeout is
 *                      retried and whether a request has a body (which is never sent twice)
 * @param proxyConfig   a proxy config file whose cluster is the simulated load-balancer tier
 * @param proxyCluster  which cluster of {@code proxyConfig}; required when it has several
 * @param strategies    {@code all}, or the strategies to compare (each a name or a mapping); a single
 *                      value binds as a list of one, so {@code all} is the one entry named {@code all}
 * @param compareProtection run every strategy without and with the tier's {@code rate-limits} and
 *                      {@code adaptive-concurrency}, to report the difference
 */
@OldKeys({"warmup = warm-up"})
public record ScenarioFile(String description, Long seed, Long seeds, Duration duration, Duration warmUp, Duration interval,
                           Duration drainLimit, String requestMethod, String proxyConfig, String proxyCluster,
                           List<BackendGroupSection> backends, List<EventSection> events,
                           LoadBalancerSection loadBalancer,
                           @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                           List<StrategySection> strategies,
                           WorkloadSection workload, SweepSection sweep, CompareProtectionSection compareProtection) {
}
