package io.sluice.algorithms.health;

/**
 * Where a backend starts before its first check: HAProxy's {@code init-state} server keyword
 * (HAProxy 3.1), which applies when the proxy starts, when a backend is discovered and when it
 * leaves maintenance. In terms of the check's health counter {@code h} in {@code [0, rise+fall-1]}:
 *
 * <pre>
 *   FULLY_UP    h = rise + fall - 1   up; goes down after {@code fall} failed checks
 *   UP          h = rise              up; goes down after ONE failed check (HAProxy's default)
 *   DOWN        h = rise - 1          down; comes up after ONE passed check
 *   FULLY_DOWN  h = 0                 down; comes up after {@code rise} passed checks
 * </pre>
 */
public enum InitialState {
    /** Up, with the whole {@code fall} budget: a new backend is trusted until proven bad. */
    FULLY_UP,
    /** Up, but the first failed check marks it down. HAProxy's default. */
    UP,
    /** Down, but the first passed check marks it up. */
    DOWN,
    /** Down until {@code rise} checks pass in a row: a new backend must prove itself first. */
    FULLY_DOWN
}
