/**
 * Reading one YAML mapping with its path, shared by the scenario and workload parsers so both name
 * the bad field, the bad value and what is allowed in the same way. Each parser keeps its own
 * subclass for its exception type and the wording of its ranges.
 */
package io.sluice.simulator.yaml;
