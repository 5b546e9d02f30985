package io.greenlang.messaging.redis;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives test methods (typically a static {@code @BeforeAll}) a Redis to talk to, as a {@code String} URL
 * parameter:
 * <ul>
 *   <li>without annotation: a standalone server shared by every test class of the run, started once (in
 *       JUnit's root store, stopped at the end of the run), or the server that environment variable
 *       {@value RedisServers#URL_ENV} names;</li>
 *   <li>{@link Cluster}: a 3-master Redis Cluster for this test class, stopped after it;</li>
 *   <li>{@link Sentinel}: a {@link SentinelSet} for this test class, stopped after it.</li>
 * </ul>
 * Servers are {@link AutoCloseable} values in the store, which JUnit closes; {@link RedisServers} adds a
 * shutdown hook and kernel-level parent-death kills for runs that end abnormally.
 */
final class RedisServerExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RedisServerExtension.class);

    /** Asks for the class's own 3-master cluster. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface Cluster {
    }

    /** Asks for the class's own Sentinel set-up: a master, a replica and three sentinels. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface Sentinel {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == String.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.isAnnotated(Cluster.class)) {
            return context.getStore(NAMESPACE).getOrComputeIfAbsent("cluster", k -> RedisServers.cluster(3),
                    RedisServers.RedisCluster.class).url();
        }
        if (parameter.isAnnotated(Sentinel.class)) {
            return context.getStore(NAMESPACE).getOrComputeIfAbsent("sentinel", k -> SentinelSet.start(),
                    SentinelSet.class).url();
        }
        String external = System.getenv(RedisServers.URL_ENV);
        if (external != null && !external.isBlank()) {
            return external;
        }
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("standalone", k -> RedisServers.standalone(),
                RedisServers.RedisProcess.class).url();
    }
}
