package io.sluice.simulator.scenario;

import io.sluice.algorithms.Durations;
import io.sluice.algorithms.Range;
import io.sluice.config.Problems;
import io.sluice.config.scenario.EventSection;
import io.sluice.simulator.model.ScriptedEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The validation pass of a scenario's {@code events:} section: scripted troubles of named backends. */
final class EventsReader {
    static final List<String> KINDS = List.of("crash", "recover", "slowdown", "stall");
    static final Range FACTOR = Range.number(1, 1e6);

    private final Problems problems;

    EventsReader(Problems problems) {
        this.problems = problems;
    }

    /**
     * @param ids      every backend id of the scenario, in order
     * @param idRanges the ids for people, shortened ({@code api-0..api-7})
     */
    List<ScriptedEvent> read(List<EventSection> sections, List<String> ids, String idRanges, long duration) {
        List<ScriptedEvent> out = new ArrayList<>();
        if (sections == null) {
            problems.value("events", null, List.of(), "a list of scripted events, like {kind: crash, backend: api-3,"
                    + " at: 30s}");
            return out;
        }
        for (int i = 0; i < sections.size(); i++) {
            String path = Problems.index("events", i);
            EventSection e = sections.get(i);
            if (e == null) {
                continue;
            }
            ScriptedEvent read = event(path, e, ids, idRanges, duration);
            if (read != null) {
                out.add(read);
            }
        }
        return out;
    }

    private ScriptedEvent event(String path, EventSection e, List<String> ids, String idRanges, long duration) {
        int before = problems.errors().size();
        String kind = problems.choice(Problems.join(path, "kind"), e.kind(), KINDS, null);
        if (kind == null) {
            return null;
        }
        List<String> keys = switch (kind) {
            case "crash", "recover" -> List.of("kind", "backend", "at");
            case "slowdown" -> List.of("kind", "backend", "at", "duration", "factor");
            default -> List.of("kind", "backend", "at", "duration");
        };
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("duration", e.duration());
        given.put("factor", e.factor());
        given.forEach((key, value) -> {
            if ((value != null || problems.present(Problems.join(path, key))) && !keys.contains(key)) {
                problems.error(Problems.join(path, key), "not a key of event kind " + kind + "; allowed here: "
                        + String.join(", ", keys));
            }
        });
        String bp = Problems.join(path, "backend");
        String backend = problems.text(bp, e.backend(), null, "a backend id, like "
                + (ids.isEmpty() ? "api-0" : ids.get(0)));
        if (backend != null && !ids.contains(backend.trim())) {
            problems.error(bp, "'" + backend + "' is not a backend of this scenario; backends: " + idRanges);
        }
        String ap = Problems.join(path, "at");
        Long at = problems.duration(ap, e.at(), Range.duration(0, BackendsReader.MAX_DURATION), null);
        if (at != null && at >= duration) {
            problems.error(ap, "'" + problems.written(ap) + "' is not before the end of the run ("
                    + Durations.format(duration) + "); an event must happen during the run");
        }
        Long length = kind.equals("slowdown") || kind.equals("stall")
                ? problems.duration(Problems.join(path, "duration"), e.duration(),
                Range.duration(1, BackendsReader.MAX_DURATION), null) : Long.valueOf(0);
        Double factor = kind.equals("slowdown") ? problems.number(Problems.join(path, "factor"), e.factor(), FACTOR,
                null) : Double.valueOf(1);
        if (problems.errors().size() > before || at == null || backend == null || length == null || factor == null) {
            return null;
        }
        String id = backend.trim();
        return switch (kind) {
            case "crash" -> ScriptedEvent.crash(id, at);
            case "recover" -> ScriptedEvent.recover(id, at);
            case "slowdown" -> ScriptedEvent.slowdown(id, factor, at, at + length);
            default -> ScriptedEvent.stall(id, at, length);
        };
    }

    /** One event for people: {@code std-3 slows x10 at 20s for 10s}. */
    static String describe(ScriptedEvent e) {
        return switch (e.kind()) {
            case CRASH -> e.backendId() + " crashes at " + Durations.format(e.atNanos());
            case RECOVER -> e.backendId() + " recovers at " + Durations.format(e.atNanos());
            case SLOWDOWN -> e.backendId() + " slows x" + Range.plain(e.factor()) + " at "
                    + Durations.format(e.atNanos()) + " for " + Durations.format(e.untilNanos() - e.atNanos());
            case STALL -> e.backendId() + " stalls at " + Durations.format(e.atNanos()) + " for "
                    + Durations.format(e.untilNanos() - e.atNanos());
        };
    }
}
