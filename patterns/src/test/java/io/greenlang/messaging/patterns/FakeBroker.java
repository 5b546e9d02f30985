package io.greenlang.messaging.patterns;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Capabilities;
import io.greenlang.messaging.Codec;

/**
 * A broker stand-in for unit tests of logic that must fail before any I/O: it answers name(), capabilities()
 * and codec(), and records every other call (then fails it). Patterns' own tests cannot use the in-memory
 * backend: it would make a reactor cycle (backend-inmemory's tests use the TCK, which uses patterns).
 */
final class FakeBroker {
    final List<String> io = new CopyOnWriteArrayList<>();
    final Broker broker;

    /** A codec that writes {@code toString()} as UTF-8 text, with content type text/plain. */
    static final Codec TEXT = new Codec() {
        @Override
        public String name() {
            return "text";
        }

        @Override
        public String contentType() {
            return "text/plain";
        }

        @Override
        public byte[] encode(Object value) {
            return value.toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public <T> T decode(byte[] payload, Class<T> type) {
            return type.cast(new String(payload, StandardCharsets.UTF_8));
        }
    };

    FakeBroker(Capabilities capabilities) {
        this.broker = (Broker) Proxy.newProxyInstance(Broker.class.getClassLoader(), new Class<?>[] {Broker.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "name":
                            return "fake://";
                        case "capabilities":
                            return capabilities;
                        case "codec":
                            return TEXT;
                        case "toString":
                            return "FakeBroker";
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            io.add(method.getName());
                            throw new UnsupportedOperationException("FakeBroker does no I/O: " + method.getName());
                    }
                });
    }
}
