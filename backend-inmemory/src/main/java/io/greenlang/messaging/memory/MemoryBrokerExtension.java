package io.greenlang.messaging.memory;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerConfig;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A fresh private in-memory broker for every test, closed after it. Needs {@code junit-jupiter-api} on the
 * test class path (this module declares it optional).
 *
 * <pre>{@code
 * @ExtendWith(MemoryBrokerExtension.class)
 * class OrderServiceTest {
 *     @Test
 *     void publishesAnEvent(Broker broker) { ... }
 * }
 * }</pre>
 *
 * or, to pass options and reach the broker from fields:
 *
 * <pre>{@code
 * @RegisterExtension
 * final MemoryBrokerExtension memory = MemoryBrokerExtension.withOptions(Map.of("codec", "msgpack"));
 * ... memory.broker() ...
 * }</pre>
 */
public final class MemoryBrokerExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MemoryBrokerExtension.class);

    private final Map<String, String> options;
    private Broker current;

    /** A broker with default options; the constructor JUnit uses with {@code @ExtendWith}. */
    public MemoryBrokerExtension() {
        this(Map.of());
    }

    private MemoryBrokerExtension(Map<String, String> options) {
        this.options = Map.copyOf(options);
    }

    /** A broker with these options (see {@link BrokerConfig}). */
    public static MemoryBrokerExtension withOptions(Map<String, String> options) {
        return new MemoryBrokerExtension(options);
    }

    /**
     * The current test's broker.
     *
     * @throws IllegalStateException outside a test
     */
    public Broker broker() {
        if (current == null) {
            throw new IllegalStateException("No broker outside a test: call broker() from a test or @BeforeEach method");
        }
        return current;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        current = new MemoryBroker(BrokerConfig.builder("memory://").options(options).build());
        context.getStore(NAMESPACE).put(Broker.class, current);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Broker broker = context.getStore(NAMESPACE).remove(Broker.class, Broker.class);
        current = null;
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Broker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return extensionContext.getStore(NAMESPACE).get(Broker.class, Broker.class);
    }
}
