package io.greenlang.messaging.redis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a test opened (servers, brokers, subscriptions), closed last first when the test ends: a field annotated
 * {@code @AutoClose}.
 */
final class Resources implements AutoCloseable {
    private final List<AutoCloseable> opened = new ArrayList<>();

    <T extends AutoCloseable> T keep(T resource) {
        opened.add(resource);
        return resource;
    }

    @Override
    public void close() {
        List<AutoCloseable> reversed = new ArrayList<>(opened);
        Collections.reverse(reversed);
        TestSupport.closeAll(reversed);
        opened.clear();
    }
}
