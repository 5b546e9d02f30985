package io.greenlang.messaging.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The record the typed scenarios publish: an agent's emission reading, with as many line items as bring its
 * JSON to about the payload size (none for 100 bytes, nine for 1 KiB).
 *
 * @param agent the publishing agent
 * @param facility where the reading was taken
 * @param value the reading, in kg CO2e
 * @param sequence the message's number in its run
 * @param items what the reading is made of
 */
public record Reading(String agent, String facility, double value, long sequence, List<Item> items) {
    /** A line item of a reading. */
    public record Item(String source, String unit, double quantity, double factor, String method) {
    }

    /** Line items by payload size: made once, so that runs time messaging rather than building lists. */
    private static final Map<Integer, List<Item>> ITEMS = new ConcurrentHashMap<>();

    /** A reading whose JSON is about {@code size} bytes. */
    public static Reading ofSize(int size, long sequence) {
        List<Item> items = ITEMS.computeIfAbsent(size, Reading::items);
        return new Reading("scope2-calculator", "plant-0042", 291.366 + sequence % 100, sequence, items);
    }

    private static List<Item> items(int size) {
        List<Item> items = new ArrayList<>();
        // the record without items is about 90 bytes of JSON, each item about 100
        for (int i = 0; i < (size - 90) / 100; i++) {
            items.add(new Item("stationary-combustion-" + i, "kWh", 1250.5 + i, 0.233, "location-based"));
        }
        return List.copyOf(items);
    }
}
