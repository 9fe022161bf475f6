package io.sluice.algorithms;

/**
 * A configured routing strategy: a factory of {@link Picker} snapshots. Create one by name through
 * {@link StrategyRegistry}, wrapped in any {@link WrapperProvider}s its {@link StrategySpec} names. A strategy holds its parameters and
 * its {@link Environment}; it is immutable and may build pickers from any thread.
 */
public interface Strategy {
    /** The registered name, e.g. {@code round-robin}, {@code p2c-peak-ewma}, {@code maglev}. */
    String name();

    /**
     * Builds a picker over {@code endpoints}. Base strategies balance over
     * {@link EndpointSet#available()} and return a picker that answers null when it is empty.
     * Called on every membership, weight or health change, never on the pick path.
     */
    Picker newPicker(EndpointSet endpoints);
}
