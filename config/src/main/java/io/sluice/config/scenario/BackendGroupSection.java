package io.sluice.config.scenario;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.time.Duration;
import java.util.List;

/**
 * One {@code backends:} group: the capacity model of {@code count} alike backends (or of the backends
 * {@code ids} names, when a proxy config's ids must be matched).
 *
 * @param speed          one speed for the group (binds as a list of one), or a list of one per backend
 * @param queueCapacity  {@code unbounded} or a whole number
 * @param healthCheckWork the work of answering one health check at speed 1
 */
public record BackendGroupSection(String name, Long count, List<String> ids, Long servers,
                                  DistributionSection serviceTime,
                                  @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Double> speed,
                                  String discipline,
                                  String queueCapacity, String zone, Long weight, Duration healthCheckWork) {
}
