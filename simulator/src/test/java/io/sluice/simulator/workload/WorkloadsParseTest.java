package io.sluice.simulator.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.config.ConfigException;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.Test;

/** Every invalid field is reported with its YAML path, the bad value and what is allowed. */
class WorkloadsParseTest {
    /**
     * The problems of a workload section, each as "path: message" (the file and line in front of each
     * are checked by {@link #errorsNameTheLineOfTheirKey}).
     */
    private static AbstractStringAssert<?> rejects(String yaml) {
        try {
            Recorded.parse(yaml);
        } catch (ConfigException e) {
            return assertThat(String.join("\n", e.errors().stream().map(x -> x.path() + ": " + x.message()).toList()));
        }
        throw new AssertionError("expected errors for " + yaml);
    }

    @Test
    void errorsNameTheLineOfTheirKey() {
        assertThatThrownBy(() -> Recorded.parse("kind: mixture\nsources:\n  - {kind: poisson, rate: 5}\n"
                + "  - {kind: periodic, devices: 0, period: 1s}\n")).isInstanceOf(ConfigException.class)
                .hasMessage("w.yaml:5: workload.sources[1].devices: 0 is out of range; a whole number from 1 to"
                        + " 50000000");
    }

    @Test
    void unknownKindListsTheValidOnes() {
        rejects("kind: poison\nrate: 5").isEqualTo("workload.kind: 'poison' is not allowed; one of "
                + "poisson, periodic, diurnal, mmpp, synchronised-access, reconnect-storm, mixture, trace");
        rejects("rate: 5").startsWith("workload.kind: required; one of poisson, periodic");
    }

    @Test
    void badFieldInsideAMixtureNamesItsIndexedPath() {
        rejects("kind: mixture\nsources:\n  - {kind: poisson, rate: 5}\n  - {kind: periodic, devices: 10, period: -5s}")
                .startsWith("workload.sources[1].period: '-5s' is not a duration")
                .contains("like 250ms or 10s");
        rejects("kind: mixture\nsources:\n  - {kind: periodic, devices: 10, period: 0s}")
                .startsWith("workload.sources[0].period: 0s is out of range; a duration from 1ns");
        rejects("kind: mixture\nsources: []").startsWith("workload.sources: expected a non-empty list");
        rejects("kind: mixture\nsources: [5]").startsWith("workload.sources[0]: expected a mapping");
    }

    @Test
    void typosAreUnknownFieldsWithTheAllowedOnesListed() {
        // A typo is an unknown key (listing the kind's keys) and leaves the key it meant missing.
        rejects("kind: periodic\ndevices: 10\nperod: 10s").isEqualTo("workload.period: required; a duration from 1ns"
                + " to 8784h with a unit (ns, us, ms, s, m, h), like 250ms or 10s\nworkload.perod: unknown key; allowed"
                + " here: weight, devices, period, jitter, phases, device-prefix, type, size, service-demand");
        rejects("kind: mmpp\non: {rate: 1, mean: 1s}\noff: {rate: 0, mean-sojourn: 1s}")
                .contains("workload.on.mean: unknown key; allowed here: rate, mean-sojourn");
        rejects("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-ms\namplify: {copies: 2, shift: 1s}")
                .contains("workload.amplify.shift: unknown key; allowed here: copies, max-shift");
        rejects("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-ms\nfields: {timestamp: t}")
                .isEqualTo("workload.fields.timestamp: unknown key; allowed here: time, device, type, size,"
                        + " service-demand");
        rejects("kind: diurnal\namplitude: 0.5\nsource: {kind: poisson, rate: 5, size: 1}\ndevices: 3")
                .isEqualTo("workload.devices: unknown key; allowed here: weight, source, period, amplitude, peak-at");
    }

    @Test
    void numbersRatesAndChoicesSayWhatIsAllowed() {
        rejects("kind: poisson").startsWith("workload.rate: required; a rate > 0");
        rejects("kind: poisson\nrate: fast").isEqualTo("workload.rate: 'fast' is not a rate; a rate > 0 in requests"
                + " per second, like 5000, 5000/s, 300/min or 12/h");
        rejects("kind: poisson\nrate: 0").startsWith("workload.rate: 0 is not allowed");
        rejects("kind: poisson\nrate: 5\ntype: -1").isEqualTo("workload.type: -1 is out of range; a whole number from 0"
                + " to 2147483647 or a word, like 5 or alarm");
        rejects("kind: poisson\nrate: 5\ntype: 2.5").startsWith("workload.type: 2.5 is out of range");
        rejects("kind: poisson\nrate: 5\ntype: 3000000000").startsWith("workload.type: 3000000000 is out of range");
        rejects("kind: poisson\nrate: 5/week").startsWith("workload.rate: '5/week' is not a rate");
        rejects("kind: poisson\nrate: 5\ndevices: 0").isEqualTo(
                "workload.devices: 0 is out of range; a whole number from 1 to 50000000");
        rejects("kind: poisson\nrate: 5\ndevices: 2.5").startsWith(
                "workload.devices: 2.5 is not a whole number");
        rejects("kind: periodic\ndevices: 10\nperiod: 1s\nphases: staggered").isEqualTo(
                "workload.phases: 'staggered' is not allowed; one of spread, aligned, random");
        rejects("kind: periodic\ndevices: 10\nperiod: 1s\njitter: 2s").startsWith(
                "workload.jitter: '2s' is longer than the period 1s");
        rejects("kind: periodic\ndevices: 10\nperiod: 10").startsWith(
                "workload.period: 10 is not a duration");
        rejects("kind: diurnal\namplitude: 1.5\nsource: {kind: poisson, rate: 5}").isEqualTo(
                "workload.amplitude: 1.5 is out of range; a number from 0 to 1");
        rejects("kind: diurnal\namplitude: 0.5\nperiod: 1h\npeak-at: 2h\nsource: {kind: poisson, rate: 5}")
                .isEqualTo("workload.peak-at: '2h' is not within the period 1h; peak-at must be from 0s to below the"
                        + " period");
        rejects("kind: diurnal\namplitude: 0.5").isEqualTo("workload.source: required; any workload, with its kind");
        rejects("kind: mmpp\non: {rate: 0, mean-sojourn: 1s}\noff: {rate: 0, mean-sojourn: 1s}")
                .startsWith("workload.on.rate: 0 is not allowed; a rate > 0");
        rejects("kind: synchronised-access\ndevices: 10\nwindow: 10s\nevery: 5s").startsWith(
                "workload.every: '5s' is shorter than the window 10s");
        rejects("kind: reconnect-storm\ndevices: 10\nbase: 10s\ncap: 1s").startsWith(
                "workload.cap: '1s' is below base 10s");
        rejects("kind: reconnect-storm\ndevices: 10\nfailure-probability: 1").startsWith(
                "workload.failure-probability: 1 would retry forever");
        rejects("kind: reconnect-storm\ndevices: 10\njitter: some").isEqualTo(
                "workload.jitter: 'some' is not allowed; one of full, equal, none");
        rejects("kind: poisson\nrate: 5\ntype: -2").startsWith("workload.type: -2 is out of range");
    }

    @Test
    void weightsBelongToMixturesWithATotalRate() {
        rejects("kind: poisson\nrate: 5\nweight: 1").isEqualTo("workload.weight: only a mixture's sources take a weight");
        rejects("kind: mixture\nsources: [{kind: poisson, rate: 5, weight: 1}]").startsWith(
                "workload.sources[0].weight: a weight needs the mixture's total rate; set workload.rate");
        rejects("kind: mixture\nrate: 100\nsources: [{kind: poisson, rate: 5, weight: 1}, {kind: poisson, rate: 5}]")
                .startsWith("workload.sources[1].weight: required, since the mixture sets a total rate");
        rejects("kind: mixture\nrate: 100\nsources: [{kind: reconnect-storm, devices: 5, weight: 1}]")
                .startsWith("workload.sources[0]: a weighted source needs a known mean rate");
        rejects("kind: mixture\nrate: 100\nsources: [{kind: poisson, rate: 5, weight: 0}]")
                .startsWith("workload.sources[0].weight: 0 is out of range");
    }

    @Test
    void traceFieldsAreChecked() {
        rejects("kind: trace").startsWith("workload.path: required");
        rejects("kind: trace\npath: nowhere.csv\ntime-unit: offset-s").startsWith(
                "workload.path: trace file 'nowhere.csv' not found");
        rejects("kind: trace\npath: classpath:traces/fleet.csv").isEqualTo("workload.time-unit: required; one of "
                + "epoch-s, epoch-ms, epoch-us, epoch-ns, offset-s, offset-ms, offset-us, offset-ns");
        rejects("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: ms").startsWith(
                "workload.time-unit: 'ms' is not allowed; one of epoch-s");
        rejects("kind: trace\npath: classpath:traces/events.jsonl\ntime-unit: epoch-ms\ndelimiter: ';'")
                .isEqualTo("workload.delimiter: only for csv traces; this one is jsonl");
        rejects("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: epoch-ms\ndelimiter: '::'")
                .startsWith("workload.delimiter: '::' is not allowed; one character");
        rejects("kind: trace\npath: classpath:traces/headerless.csv\nheader: false\ntime-unit: offset-s\n"
                + "fields: {time: ts}").startsWith("workload.fields.time: 'ts' is not a column number");
        rejects("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-s\nformat: parquet")
                .isEqualTo("workload.format: 'parquet' is not allowed; one of csv, jsonl, campusiot,"
                        + " sluice-access-log");
        rejects("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-s\nspeed-up: 0")
                .startsWith("workload.speed-up: 0 is out of range");
        rejects("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-s\namplify: {copies: 0, "
                + "max-shift: 1s}").startsWith("workload.amplify.copies: 0 is out of range");
        rejects("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-s\namplify: {copies: 3}")
                .startsWith("workload.amplify.max-shift: required");
        rejects("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-s\nskip-bad-lines: maybe")
                .isEqualTo("workload.skip-bad-lines: 'maybe' is not allowed; write true or false");
    }

    @Test
    void theSectionItselfMustBeAMapping() {
        assertThatThrownBy(() -> Workloads.parse("workload: [1, 2]\n", "w.yaml", Recorded.resources()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("w.yaml:1: workload: expected a mapping (key: value), got [1,2]; a workload with a kind,"
                        + " one of poisson, periodic, diurnal, mmpp, synchronised-access, reconnect-storm, mixture,"
                        + " trace (see scenarios/workloads-example.yaml)");
        assertThatThrownBy(() -> Workloads.parse("workload:\n", "w.yaml", Recorded.resources()))
                .hasMessageStartingWith("w.yaml:1: workload: required; a workload with a kind");
    }

    @Test
    void kindsAreListedAndSpellingsAccepted() {
        assertThat(Workloads.kinds()).hasSize(8).contains("trace", "mixture");
        assertThat(Recorded.parse("kind: Synchronized-Access\ndevices: 5").describe())
                .startsWith("synchronised-access 5 devices");
        assertThat(Recorded.parse("kind: poisson\nrate: '1_000'\ndevices: '2_000'").describe())
                .isEqualTo("poisson 1000/s, 2000 devices");
    }
}
