package io.greenlang.messaging.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a free loopback port in front of a server, with faults to switch on and off: connections that
 * go silent while their sockets stay open (half-open, as the client sees it), resets, refused connections, and
 * slow forwarding. Each connection is forwarded by two threads of its own, one per direction. Thread-safe.
 */
final class FaultProxy implements AutoCloseable {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private enum Mode {
        PASS, STALL, RESET, REFUSE, SLOW
    }

    private final int targetPort;
    private final int port;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    // the fields below are guarded by this; forwarding threads wait on this for a mode that lets them forward
    private Mode mode = Mode.PASS;
    private long delayNanos;
    private ServerSocket listener;
    private boolean closed;

    private FaultProxy(int targetPort) {
        this.targetPort = targetPort;
        this.port = RedisServers.freePort();
        listen();
    }

    /** A proxy to {@code targetPort} on the loopback address, forwarding. */
    static FaultProxy to(int targetPort) {
        return new FaultProxy(targetPort);
    }

    /** {@code redis://127.0.0.1:port} of the proxy. */
    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** How many connections the proxy has accepted so far: a new one means the client reconnected. */
    int connectionsAccepted() {
        return accepted.get();
    }

    /** Forwards again, both ways, on every connection but the ones {@link #halfOpen} killed; accepts new ones. */
    synchronized void pass() {
        mode = Mode.PASS;
        listen();
        notifyAll();
    }

    /** Stops forwarding on every connection, open and new, both ways; sockets stay open and new ones are accepted. */
    synchronized void stall() {
        mode = Mode.STALL;
        notifyAll();
    }

    /**
     * The connections open now stop forwarding for good, with their sockets left open (their server is gone as far
     * as the client can tell); new connections pass. A client sees nothing wrong until it waits for a reply.
     */
    synchronized void halfOpen() {
        links.forEach(l -> l.dead = true);
        pass();
    }

    /** Resets (RST) every open connection on both sides, and every new one until the mode changes. */
    synchronized void reset() {
        mode = Mode.RESET;
        links.forEach(Link::reset);
        notifyAll();
    }

    /** Nothing listens on the port any more, so connecting is refused; open connections are reset. */
    synchronized void refuse() {
        mode = Mode.REFUSE;
        closeQuietly(listener);
        listener = null;
        links.forEach(Link::reset);
        notifyAll();
    }

    /** Forwards every chunk read, either way, only {@code delay} after it was read. */
    synchronized void slow(Duration delay) {
        delayNanos = delay.toNanos();
        mode = Mode.SLOW;
        listen();
        notifyAll();
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeQuietly(listener);
        links.forEach(Link::close);
        notifyAll();
    }

    /** Listens on the port unless it already does; the port is this proxy's for good, so binding it again works. */
    private synchronized void listen() {
        if (listener != null || closed) {
            return;
        }
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(LOOPBACK, port), 50);
            listener = s;
            daemon("fault-proxy-accept-" + port, () -> accept(s));
        } catch (IOException e) {
            throw new UncheckedIOException("The fault proxy cannot listen on port " + port, e);
        }
    }

    private void accept(ServerSocket s) {
        while (true) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException closedListener) {
                return;
            }
            accepted.incrementAndGet();
            Socket server = new Socket();
            try {
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                server.connect(new InetSocketAddress(LOOPBACK, targetPort), 5000);
            } catch (IOException e) {
                closeQuietly(server);
                closeQuietly(client);
                continue;
            }
            Link link = new Link(client, server);
            synchronized (this) {
                if (closed || mode == Mode.RESET) {
                    link.reset();
                    continue;
                }
                links.add(link);
            }
            daemon("fault-proxy-up-" + port, () -> forward(link, client, server));
            daemon("fault-proxy-down-" + port, () -> forward(link, server, client));
        }
    }

    /** Copies {@code from} to {@code to} chunk by chunk while the mode lets it; either end failing ends the link. */
    private void forward(Link link, Socket from, Socket to) {
        byte[] chunk = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (true) {
                int n = in.read(chunk);
                if (n < 0 || !awaitForwarding(link)) {
                    break;
                }
                out.write(chunk, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the link was reset or closed, or the proxy closes
        }
        link.close();
    }

    /** Waits until a chunk read now may be forwarded; {@code false} if the link or the proxy was closed meanwhile. */
    private synchronized boolean awaitForwarding(Link link) throws InterruptedException {
        while (!closed && !link.closed && (link.dead || mode == Mode.STALL)) {
            wait();
        }
        long due = System.nanoTime() + delayNanos;
        while (!closed && !link.closed && mode == Mode.SLOW && due - System.nanoTime() > 0) {
            long left = due - System.nanoTime();
            wait(Math.max(1, left / 1_000_000), 0); // the fault itself: this chunk is late on purpose
        }
        return !closed && !link.closed;
    }

    private static void daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
    }

    /** One proxied connection: the client's socket and the proxy's own to the server. */
    private final class Link {
        final Socket client;
        final Socket server;
        volatile boolean dead;
        volatile boolean closed;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        /** Closes both sockets with an RST instead of a FIN. */
        void reset() {
            for (Socket s : new Socket[] {client, server}) {
                try {
                    s.setSoLinger(true, 0);
                } catch (IOException e) {
                    // already closed
                }
            }
            close();
        }

        void close() {
            closed = true;
            closeQuietly(client);
            closeQuietly(server);
            links.remove(this);
            synchronized (FaultProxy.this) {
                FaultProxy.this.notifyAll();
            }
        }
    }
}
