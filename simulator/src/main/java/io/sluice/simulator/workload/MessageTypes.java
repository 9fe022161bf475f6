package io.sluice.simulator.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The message types of one scenario's workload: what {@link Arrival#type} holds and the name each
 * id stands for. Traces in the wild write a type as a number (a LoRaWAN port) or as a word
 * ({@code reading}, {@code join}, {@code alarm}); both are categories, told apart only by their id:
 * <ul>
 *   <li>a whole number from 0 to {@link Integer#MAX_VALUE} is its own id, and its decimal text is its
 *       name ({@code 007} is 7, named {@code 7});</li>
 *   <li>anything else is a word, trimmed, and gets the next free id of {@code -2, -3, -4, ...} the first
 *       time this workload meets it; -1 is {@link #UNKNOWN}, so the two ranges never meet.</li>
 * </ul>
 *
 * <p><b>Stable ids.</b> Words are met in the order the workload is read: the scenario's own
 * {@code type:} marks when it is parsed, then each trace in file order. Every run of a scenario
 * reads a trace from its first line, so the k-th distinct word of a file can only be registered
 * after the k-1 before it, by whichever run gets there first: a trace's words get the same ids in
 * every run and with any number of threads. (Two word-typed traces in one mixture may interleave
 * their first words differently from run to run; results name types, never ids, so they stay
 * byte-identical.)
 *
 * <p>Thread-safe: the runs of a scenario read their traces on several threads at once. Looking up
 * a word already met takes no lock.
 */
public final class MessageTypes {
    /** {@link Arrival#type} when the workload does not say. */
    public static final int UNKNOWN = -1;
    /** Distinct words one workload may have; more means the type field is probably the wrong column. */
    public static final int MAX_WORDS = 10_000;
    /** Longest word accepted as a type name, in characters. */
    public static final int MAX_NAME_LENGTH = 64;

    private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();
    /** words.get(i) is the word of id {@code -2 - i}. */
    private final List<String> words = new ArrayList<>();
    private volatile String[] wordsById = new String[0];

    /** An empty dictionary, for one workload. */
    public MessageTypes() {
    }

    /**
     * The id of a type written as {@code text}, registering a word met for the first time.
     *
     * @throws IllegalArgumentException naming the problem: blank, longer than
     *                                  {@value #MAX_NAME_LENGTH} characters, or one word more than
     *                                  {@value #MAX_WORDS}
     */
    public int idOf(String text) {
        String t = text.trim();
        int number = wholeNumber(t);
        if (number >= 0) {
            return number;
        }
        Integer known = ids.get(t);
        return known != null ? known : register(t);
    }

    private synchronized int register(String word) {
        Integer known = ids.get(word);
        if (known != null) {
            return known;
        }
        if (word.isEmpty()) {
            throw new IllegalArgumentException("empty; a message type is a whole number >= 0 or a word");
        }
        if (word.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("'" + word.substring(0, 37) + "...' is " + word.length()
                    + " characters; a message type name has at most " + MAX_NAME_LENGTH);
        }
        if (words.size() >= MAX_WORDS) {
            throw new IllegalArgumentException("'" + word + "' would be distinct message type number "
                    + (MAX_WORDS + 1) + "; at most " + MAX_WORDS + " words are allowed (is the type field the"
                    + " right column?)");
        }
        words.add(word);
        int id = -1 - words.size();
        ids.put(word, id);
        wordsById = words.toArray(new String[0]);
        return id;
    }

    /**
     * The name of a type id: the decimal text of a number, the word of a word's id; null for
     * {@link #UNKNOWN} or a word id this workload never gave out.
     */
    public String nameOf(int id) {
        if (id >= 0) {
            return Integer.toString(id);
        }
        String[] w = wordsById;
        int i = -2 - id;
        return i >= 0 && i < w.length ? w[i] : null;
    }

    /** The words met so far, in the order of their ids ({@code -2} first). */
    public List<String> words() {
        return List.of(wordsById);
    }

    /** The value of {@code t} if it is a whole number from 0 to {@link Integer#MAX_VALUE}, else -1. */
    private static int wholeNumber(String t) {
        if (t.isEmpty()) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
            if (v > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return (int) v;
    }
}
