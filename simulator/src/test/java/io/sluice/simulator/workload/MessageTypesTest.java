package io.sluice.simulator.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Message types as categories: numbers keep their value, words get stable ids of their own, and a
 * trace whose type column holds words (CSV or JSON Lines) replays with those ids and names them.
 */
class MessageTypesTest {
    @Test
    void numbersAreTheirOwnIdsAndWordsGetIdsBelowUnknown() {
        MessageTypes t = new MessageTypes();
        assertThat(t.idOf("5")).isEqualTo(5);
        assertThat(t.idOf(" 007 ")).isEqualTo(7);
        assertThat(t.idOf("2147483647")).isEqualTo(Integer.MAX_VALUE);
        assertThat(t.idOf("reading")).isEqualTo(-2);
        assertThat(t.idOf("join")).isEqualTo(-3);
        assertThat(t.idOf(" reading")).as("trimmed, met before").isEqualTo(-2);
        assertThat(t.idOf("Reading")).as("case matters").isEqualTo(-4);
        // Not whole numbers from 0 to 2^31-1: words.
        assertThat(t.idOf("-3")).isEqualTo(-5);
        assertThat(t.idOf("2147483648")).isEqualTo(-6);
        assertThat(t.idOf("1.5")).isEqualTo(-7);

        assertThat(t.nameOf(7)).isEqualTo("7");
        assertThat(t.nameOf(-2)).isEqualTo("reading");
        assertThat(t.nameOf(-5)).isEqualTo("-3");
        assertThat(t.nameOf(MessageTypes.UNKNOWN)).isNull();
        assertThat(t.nameOf(-100)).as("never given out").isNull();
        assertThat(t.words()).containsExactly("reading", "join", "Reading", "-3", "2147483648", "1.5");
    }

    @Test
    void badNamesAreRefusedWithTheReason() {
        MessageTypes t = new MessageTypes();
        assertThatThrownBy(() -> t.idOf("  ")).hasMessage("empty; a message type is a whole number >= 0 or a word");
        assertThatThrownBy(() -> t.idOf("x".repeat(65))).hasMessageEndingWith(
                "is 65 characters; a message type name has at most 64");
        for (int i = 0; i < MessageTypes.MAX_WORDS; i++) {
            t.idOf("w" + i);
        }
        assertThat(t.idOf("w0")).as("a known word is still fine at the limit").isEqualTo(-2);
        assertThatThrownBy(() -> t.idOf("one-more")).hasMessage("'one-more' would be distinct message type number"
                + " 10001; at most 10000 words are allowed (is the type field the right column?)");
    }

    /**
     * Several runs read the same trace at once, each in file order: whichever registers a word first,
     * the k-th distinct word of the file gets the k-th id, as one run alone would give it.
     */
    @Test
    void concurrentReadersOfOneFileAgreeWithOneReaderAlone() throws Exception {
        List<String> file = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            file.add("w" + (i * 7919 % 997) % (1 + i / 40));
        }
        MessageTypes alone = new MessageTypes();
        List<Integer> expected = file.stream().map(alone::idOf).toList();
        for (int round = 0; round < 5; round++) {
            MessageTypes shared = new MessageTypes();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Callable<List<Integer>>> readers = new ArrayList<>();
                for (int r = 0; r < 4; r++) {
                    readers.add(() -> file.stream().map(shared::idOf).toList());
                }
                for (Future<List<Integer>> f : pool.invokeAll(readers)) {
                    assertThat(f.get()).isEqualTo(expected);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void csvTraceWithWordTypes() {
        WorkloadSpec spec = Recorded.parse("kind: trace\npath: classpath:traces/word-types.csv\ntime-unit: offset-ms");
        List<Recorded> rs = Recorded.all(spec, 1, Long.MAX_VALUE);
        MessageTypes types = spec.messageTypes();
        assertThat(rs).extracting(r -> types.nameOf(r.type()))
                .containsExactly("join", "join", "reading", "reading", "alarm", "reading", "5", "reading");
        assertThat(rs).extracting(Recorded::type).containsExactly(-2, -2, -3, -3, -4, -3, 5, -3);
        assertThat(Recorded.all(spec, 2, Long.MAX_VALUE)).as("the same ids on every replay").isEqualTo(rs);
    }

    @Test
    void jsonLinesTraceWithWordTypesSharesTheDictionaryWithTheRestOfTheWorkload() {
        WorkloadSpec spec = Recorded.parse("""
                kind: mixture
                sources:
                  - {kind: trace, path: classpath:traces/word-types.jsonl, time-unit: offset-ms,
                     fields: {time: t, device: dev, type: event}}
                  - {kind: poisson, rate: 200, devices: 3, type: alarm}
                """);
        List<Recorded> rs = Recorded.all(spec, 1, 200 * Recorded.MS);
        MessageTypes types = spec.messageTypes();
        int alarm = types.idOf("alarm");
        assertThat(alarm).as("registered by the poisson source's mark at parse time").isEqualTo(-2);
        List<String> fromTrace = rs.stream().filter(r -> r.device().startsWith("door-"))
                .map(r -> types.nameOf(r.type())).toList();
        assertThat(fromTrace).containsExactly("open", "alarm", "close", "5", "open");
        assertThat(rs).filteredOn(r -> !r.device().startsWith("door-")).extracting(Recorded::type).containsOnly(alarm);
        assertThat(rs).filteredOn(r -> r.device().equals("door-2")).first().extracting(Recorded::type)
                .as("the trace's alarm is the mark's alarm").isEqualTo(alarm);
    }

    @Test
    void aSyntheticSourceTakesAWordTypeAndSaysItsName() {
        WorkloadSpec spec = Recorded.parse("kind: poisson\nrate: 100\ntype: alarm");
        assertThat(spec.describe()).contains("type alarm");
        assertThat(Recorded.first(spec, 1, 5)).extracting(Recorded::type).containsOnly(-2);
        assertThatThrownBy(() -> Recorded.parse("kind: poisson\nrate: 100\ntype: " + "y".repeat(70)))
                .isInstanceOf(WorkloadException.class)
                .hasMessageStartingWith("workload.type: '")
                .hasMessageEndingWith("is 70 characters; a message type name has at most 64");
    }

    @Test
    void tallyCountsByNameNumbersFirstThenWordsAlphabetically() {
        MessageTypes types = new MessageTypes();
        TypeTally tally = new TypeTally();
        for (String t : List.of("reading", "10", "alarm", "9", "reading", "100000", "join", "reading")) {
            tally.add(types.idOf(t));
        }
        tally.add(MessageTypes.UNKNOWN);
        assertThat(tally.byName(types)).containsExactly(Map.entry("9", 1L), Map.entry("10", 1L),
                Map.entry("100000", 1L), Map.entry("alarm", 1L), Map.entry("join", 1L), Map.entry("reading", 3L));
    }
}
