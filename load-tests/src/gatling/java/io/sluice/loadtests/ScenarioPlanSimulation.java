package io.sluice.loadtests;

import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * A scenario's workload as a Gatling open-model test. The plan is the CSV that
 * {@code ./sluice load-plan SCENARIO --out plan.csv} writes ({@code offset_us,device}): the arrivals
 * the simulator draws for the scenario's seed, Poisson and periodic fleets as generated, traces with
 * their time compression and fleet amplification already applied.
 *
 * <p>Injection: the plan's arrivals counted per {@code sluice.step} (default 1 s) become one
 * {@code constantUsersPerSec(count / step).during(step).randomized()} step each, so the open-model
 * profile follows the plan's rate envelope (bursts of a trace included) with Poisson spacing inside a
 * step; an empty step is {@code nothingFor}. The device ids are a queue feeder in plan order, sent in
 * the affinity header {@code sluice.header} (default {@code x-device-id}), so hashing strategies place
 * devices as the simulator does.
 *
 * <p>System properties: {@code sluice.plan} (the CSV, required), {@code sluice.target} (default
 * {@code http://127.0.0.1:8080}), {@code sluice.path} (default {@code /work}), {@code sluice.step}
 * (seconds, default 1), {@code sluice.header}.
 */
public class ScenarioPlanSimulation extends Simulation {
    private static final String PLAN = System.getProperty("sluice.plan");
    private static final String TARGET = System.getProperty("sluice.target", "http://127.0.0.1:8080");
    private static final String PATH = System.getProperty("sluice.path", "/work");
    private static final double STEP = Double.parseDouble(System.getProperty("sluice.step", "1"));
    private static final String HEADER = System.getProperty("sluice.header", "x-device-id");

    /** Offsets in microseconds and device ids of the plan, in order. */
    record Plan(long[] offsetsMicros, List<String> devices) {
        static Plan read(Path file) {
            List<String> lines;
            try (Stream<String> s = Files.lines(file, StandardCharsets.UTF_8)) {
                lines = s.toList();
            } catch (IOException e) {
                throw new UncheckedIOException("sluice.plan: cannot read " + file, e);
            }
            if (lines.isEmpty() || !lines.get(0).equals("offset_us,device")) {
                throw new IllegalArgumentException(file + ":1: expected the header 'offset_us,device' of a plan"
                        + " written by ./sluice load-plan");
            }
            long[] t = new long[lines.size() - 1];
            List<String> d = new ArrayList<>(t.length);
            for (int i = 1; i < lines.size(); i++) {
                String l = lines.get(i);
                int c = l.indexOf(',');
                try {
                    t[i - 1] = Long.parseLong(c < 0 ? l : l.substring(0, c));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": offset_us '" + l
                            + "' is not a whole number of microseconds");
                }
                d.add(c < 0 ? "" : l.substring(c + 1));
            }
            return new Plan(t, Collections.unmodifiableList(d));
        }

        /** Arrivals per step of {@code stepSeconds}, from 0 to the last arrival. */
        int[] counts(double stepSeconds) {
            long step = Math.max(1, Math.round(stepSeconds * 1e6));
            int n = offsetsMicros.length == 0 ? 0 : (int) (offsetsMicros[offsetsMicros.length - 1] / step) + 1;
            int[] out = new int[n];
            for (long t : offsetsMicros) {
                out[(int) (t / step)]++;
            }
            return out;
        }
    }

    private static List<OpenInjectionStep> profile(Plan plan) {
        List<OpenInjectionStep> steps = new ArrayList<>();
        for (int c : plan.counts(STEP)) {
            steps.add(c == 0 ? nothingFor(java.time.Duration.ofMillis(Math.round(STEP * 1000)))
                    : constantUsersPerSec(c / STEP).during(java.time.Duration.ofMillis(Math.round(STEP * 1000)))
                    .randomized());
        }
        return steps;
    }

    private static Iterator<Map<String, Object>> feeder(Plan plan) {
        Iterator<String> it = plan.devices().iterator();
        Supplier<Map<String, Object>> next = () -> {
            Map<String, Object> m = new HashMap<>();
            m.put("device", it.hasNext() ? it.next() : "");
            return m;
        };
        return Stream.generate(next).iterator();
    }

    {
        if (PLAN == null) {
            throw new IllegalArgumentException("sluice.plan: give the plan CSV, e.g. -Dsluice.plan=plan.csv"
                    + " (./sluice load-plan SCENARIO --out plan.csv)");
        }
        Plan plan = Plan.read(Path.of(PLAN));
        HttpProtocolBuilder protocol = http.baseUrl(TARGET).shareConnections();
        ScenarioBuilder scn = scenario("sluice plan " + Path.of(PLAN).getFileName())
                .feed(feeder(plan))
                .exec(http("request").get(PATH).header(HEADER, "#{device}").check(status().is(200)));
        setUp(scn.injectOpen(profile(plan))).protocols(protocol);
    }
}
