package io.greenlang.messaging.benchmarks;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} of a test's own on a free loopback port, without persistence; the JVM's shutdown hook
 * kills it if the test does not.
 */
final class RedisTestServer implements AutoCloseable {
    private final Process process;
    private final int port;

    private RedisTestServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a server and waits until it answers PING; retries on another port if the chosen one was taken. */
    static RedisTestServer start() {
        try {
            for (int attempt = 0; attempt < 5; attempt++) {
                int p = freePort();
                Process proc = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(p),
                        "--save", "", "--appendonly", "no", "--daemonize", "no")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (awaitPing(proc, p)) {
                    Runtime.getRuntime().addShutdownHook(new Thread(proc::destroyForcibly));
                    return new RedisTestServer(proc, p);
                }
                proc.destroyForcibly().waitFor(5, TimeUnit.SECONDS); // the port was taken meanwhile: retry
            }
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server could not be started", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("redis-server did not start on a free loopback port in 5 attempts");
    }

    /** {@code redis://127.0.0.1:PORT}. */
    String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        try {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean awaitPing(Process proc, int p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + p);
        try {
            while (System.nanoTime() < deadline && proc.isAlive()) {
                try (StatefulRedisConnection<String, String> c = client.connect()) {
                    if ("PONG".equals(c.sync().ping())) {
                        return true;
                    }
                } catch (RuntimeException notYet) {
                    Thread.sleep(20); // an external process: polled until the deadline
                }
            }
            return false;
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}
