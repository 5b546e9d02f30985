package io.greenlang.messaging.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for the servers a backend's tests start (a Kafka cluster, Redis servers). A port is taken from
 * below the kernel's ephemeral range: a port the kernel hands out ({@code new ServerSocket(0)}) is free when
 * checked but may become the local port of any outgoing connection before the server binds it, which happened
 * to a Kafka node seconds after its ports were chosen ("Address already in use"). Outgoing connections never use
 * ports outside the range, and this JVM never hands out a port twice.
 */
public final class ListenerPorts {
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Where ports come from when the kernel does not say its range, or it leaves too little below it. */
    private static final int LOWEST = 10_000;
    private static final int BELOW_USUAL_RANGE = 32_768;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private ListenerPorts() {
    }

    /**
     * A loopback port that nothing listens on now, below the ephemeral range and not handed out before by this
     * JVM.
     *
     * @throws UncheckedIOException if 1,000 random ports of the range were all taken
     */
    public static int next() {
        int high = ephemeralRangeStart();
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, high);
            if (HANDED_OUT.add(port) && bindable(port)) {
                return port;
            }
        }
        throw new UncheckedIOException(new IOException("No free loopback port between " + LOWEST + " and " + high
                + " after 1,000 tries; stop servers left over from earlier test runs"));
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range, if it leaves a few thousand ports above 10,000. */
    private static int ephemeralRangeStart() {
        try {
            String[] range = Files.readString(EPHEMERAL_RANGE, StandardCharsets.US_ASCII).trim().split("\\s+");
            int start = Integer.parseInt(range[0]);
            return start >= LOWEST + 5_000 ? start : BELOW_USUAL_RANGE;
        } catch (IOException | RuntimeException unknown) { // not Linux, or not readable
            return BELOW_USUAL_RANGE;
        }
    }
}
