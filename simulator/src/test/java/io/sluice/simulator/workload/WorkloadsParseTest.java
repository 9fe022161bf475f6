package io.sluice.simulator.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Every invalid field is reported with its YAML path, the bad value and what is allowed. */
class WorkloadsParseTest {
    private static AbstractThrowableAssert<?, ? extends Throwable> rejects(String yaml) {
        return assertThatThrownBy(() -> Recorded.parse(yaml)).isInstanceOf(WorkloadException.class);
    }

    @Test
    void unknownKindListsTheValidOnes() {
        rejects("kind: poison\nrate: 5").hasMessage("workload.kind: 'poison' is not a workload kind; valid kinds: "
                + "poisson, periodic, diurnal, mmpp, synchronised-access, reconnect-storm, mixture, trace");
        rejects("rate: 5").hasMessageStartingWith("workload.kind: required; one of poisson, periodic");
    }

    @Test
    void badFieldInsideAMixtureNamesItsIndexedPath() {
        rejects("kind: mixture\nsources:\n  - {kind: poisson, rate: 5}\n  - {kind: periodic, devices: 10, period: -5s}")
                .hasMessageStartingWith("workload.sources[1].period: '-5s' is not a duration")
                .hasMessageContaining("like 250ms or 10s");
        rejects("kind: mixture\nsources:\n  - {kind: periodic, devices: 10, period: 0s}")
                .hasMessageStartingWith("workload.sources[0].period: '0s' is out of range; a duration from 1ns");
        rejects("kind: mixture\nsources: []").hasMessageStartingWith("workload.sources: expected a non-empty list");
        rejects("kind: mixture\nsources: [5]").hasMessageStartingWith("workload.sources[0]: expected a mapping");
    }

    @Test
    void typosAreUnknownFieldsWithTheAllowedOnesListed() {
        rejects("kind: periodic\ndevices: 10\nperod: 10s")
                .hasMessageStartingWith("workload.perod: unknown field for kind periodic; allowed: kind, weight, "
                        + "devices, period, jitter, phases, device-prefix, type, size, service-demand");
        rejects("kind: mmpp\non: {rate: 1, mean: 1s}\noff: {rate: 0, mean-sojourn: 1s}")
                .hasMessageStartingWith("workload.on.mean: unknown field for an mmpp state; allowed: rate, mean-sojourn");
        rejects("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-ms\namplify: {copies: 2, shift: 1s}")
                .hasMessageStartingWith("workload.amplify.shift: unknown field for amplify");
        rejects("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-ms\nfields: {timestamp: t}")
                .hasMessageStartingWith("workload.fields.timestamp: unknown field for trace fields");
        rejects("kind: diurnal\namplitude: 0.5\nsource: {kind: poisson, rate: 5, size: 1}\ndevices: 3")
                .hasMessageStartingWith("workload.devices: unknown field for kind diurnal");
    }

    @Test
    void numbersRatesAndChoicesSayWhatIsAllowed() {
        rejects("kind: poisson").hasMessageStartingWith("workload.rate: required; a rate > 0");
        rejects("kind: poisson\nrate: fast").hasMessage("workload.rate: 'fast' is not a rate; a rate > 0 in requests"
                + " per second, like 5000, 5000/s, 300/min or 12/h");
        rejects("kind: poisson\nrate: 0").hasMessageStartingWith("workload.rate: 0 is not allowed");
        rejects("kind: poisson\nrate: 5/week").hasMessageStartingWith("workload.rate: '5/week' is not a rate");
        rejects("kind: poisson\nrate: 5\ndevices: 0").hasMessage(
                "workload.devices: 0 is out of range; a whole number from 1 to 50000000");
        rejects("kind: poisson\nrate: 5\ndevices: 2.5").hasMessageStartingWith(
                "workload.devices: 2.5 is not a whole number");
        rejects("kind: periodic\ndevices: 10\nperiod: 1s\nphases: staggered").hasMessage(
                "workload.phases: 'staggered' is not allowed; one of spread, aligned, random");
        rejects("kind: periodic\ndevices: 10\nperiod: 1s\njitter: 2s").hasMessageStartingWith(
                "workload.jitter: '2s' is longer than the period 1s");
        rejects("kind: periodic\ndevices: 10\nperiod: 10").hasMessageStartingWith(
                "workload.period: '10' is not a duration");
        rejects("kind: diurnal\namplitude: 1.5\nsource: {kind: poisson, rate: 5}").hasMessage(
                "workload.amplitude: 1.5 is out of range; a number from 0 to 1");
        rejects("kind: diurnal\namplitude: 0.5\nperiod: 1h\npeak-at: 2h\nsource: {kind: poisson, rate: 5}")
                .hasMessageStartingWith("workload.peak-at: '2h' is out of range");
        rejects("kind: diurnal\namplitude: 0.5").hasMessage("workload.source: required");
        rejects("kind: mmpp\non: {rate: 0, mean-sojourn: 1s}\noff: {rate: 0, mean-sojourn: 1s}")
                .hasMessageStartingWith("workload.on.rate: 0 is not allowed; a rate > 0");
        rejects("kind: synchronised-access\ndevices: 10\nwindow: 10s\nevery: 5s").hasMessageStartingWith(
                "workload.every: '5s' is shorter than the window 10s");
        rejects("kind: reconnect-storm\ndevices: 10\nbase: 10s\ncap: 1s").hasMessageStartingWith(
                "workload.cap: '1s' is below base 10s");
        rejects("kind: reconnect-storm\ndevices: 10\nfailure-probability: 1").hasMessageStartingWith(
                "workload.failure-probability: 1 would retry forever");
        rejects("kind: reconnect-storm\ndevices: 10\njitter: some").hasMessage(
                "workload.jitter: 'some' is not allowed; one of full, equal, none");
        rejects("kind: poisson\nrate: 5\ntype: -2").hasMessageStartingWith("workload.type: -2 is out of range");
    }

    @Test
    void weightsBelongToMixturesWithATotalRate() {
        rejects("kind: poisson\nrate: 5\nweight: 1").hasMessage("workload.weight: only a mixture's sources take a weight");
        rejects("kind: mixture\nsources: [{kind: poisson, rate: 5, weight: 1}]").hasMessageStartingWith(
                "workload.sources[0].weight: a weight needs the mixture's total rate; set workload.rate");
        rejects("kind: mixture\nrate: 100\nsources: [{kind: poisson, rate: 5, weight: 1}, {kind: poisson, rate: 5}]")
                .hasMessageStartingWith("workload.sources[1].weight: required, since the mixture sets a total rate");
        rejects("kind: mixture\nrate: 100\nsources: [{kind: reconnect-storm, devices: 5, weight: 1}]")
                .hasMessageStartingWith("workload.sources[0]: a weighted source needs a known mean rate");
        rejects("kind: mixture\nrate: 100\nsources: [{kind: poisson, rate: 5, weight: 0}]")
                .hasMessageStartingWith("workload.sources[0].weight: 0 is out of range");
    }

    @Test
    void traceFieldsAreChecked() {
        rejects("kind: trace").hasMessageStartingWith("workload.path: required");
        rejects("kind: trace\npath: nowhere.csv\ntime-unit: offset-s").hasMessageStartingWith(
                "workload.path: trace file 'nowhere.csv' not found");
        rejects("kind: trace\npath: classpath:traces/fleet.csv").hasMessage("workload.time-unit: required; one of "
                + "epoch-s, epoch-ms, epoch-us, epoch-ns, offset-s, offset-ms, offset-us, offset-ns");
        rejects("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: ms").hasMessageStartingWith(
                "workload.time-unit: 'ms' is not allowed; one of epoch-s");
        rejects("kind: trace\npath: classpath:traces/events.jsonl\ntime-unit: epoch-ms\ndelimiter: ';'")
                .hasMessage("workload.delimiter: only for csv traces; this one is jsonl");
        rejects("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: epoch-ms\ndelimiter: '::'")
                .hasMessageStartingWith("workload.delimiter: '::' is not allowed; one character");
        rejects("kind: trace\npath: classpath:traces/headerless.csv\nheader: false\ntime-unit: offset-s\n"
                + "fields: {time: ts}").hasMessageStartingWith("workload.fields.time: 'ts' is not a column number");
        rejects("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-s\nformat: parquet")
                .hasMessage("workload.format: 'parquet' is not allowed; one of csv, jsonl, campusiot, sluice-access-log");
        rejects("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-s\nspeed-up: 0")
                .hasMessageStartingWith("workload.speed-up: 0 is out of range");
        rejects("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-s\namplify: {copies: 0, "
                + "max-shift: 1s}").hasMessageStartingWith("workload.amplify.copies: 0 is out of range");
        rejects("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-s\namplify: {copies: 3}")
                .hasMessageStartingWith("workload.amplify.max-shift: required");
        rejects("kind: trace\npath: classpath:traces/fleet.csv\ntime-unit: offset-s\nskip-bad-lines: maybe")
                .hasMessage("workload.skip-bad-lines: 'maybe' is not allowed; write true or false");
    }

    @Test
    void theSectionItselfMustBeAMapping() {
        assertThatThrownBy(() -> Workloads.parse(Recorded.yaml("[1, 2]"), "workload", Recorded.resources()))
                .hasMessageStartingWith("workload: expected a mapping of fields");
        assertThatThrownBy(() -> Workloads.parse(null, "workload", Recorded.resources()))
                .hasMessageStartingWith("workload: missing");
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
