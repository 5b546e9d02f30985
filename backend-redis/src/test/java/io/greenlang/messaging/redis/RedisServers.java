package io.greenlang.messaging.redis;

import io.greenlang.messaging.tck.ListenerPorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts {@code redis-server} processes for tests on free loopback ports, each in a temporary directory, and
 * stops them: standalone servers (optionally with AOF), a Redis Cluster of masters, TLS servers with a
 * certificate made for the run.
 *
 * <p>Processes never outlive the test JVM: they are started through {@code setpriv --pdeathsig KILL} from one
 * long-lived launcher thread (the kernel kills them when that thread, so the JVM, dies), and a shutdown hook
 * kills what is still running at a normal exit.
 *
 * <p>Without {@code redis-server} on the path, servers run in Docker ({@code redis:7.0} image, host network)
 * if a {@code docker} command is there; otherwise starting fails with a message saying how to install Redis.
 */
final class RedisServers {
    /** Points the tests that need no server of their own (the standalone TCK) at an existing server. */
    static final String URL_ENV = "GREENLANG_TEST_REDIS_URL";
    static final String DOCKER_IMAGE = "redis:7.0";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Set<RedisProcess> RUNNING = ConcurrentHashMap.newKeySet();
    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "redis-test-launcher");
        t.setDaemon(true);
        return t;
    });

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(RedisProcess::kill),
                "redis-test-servers-shutdown"));
    }

    private RedisServers() {
    }

    /** A standalone server without persistence. */
    static RedisProcess standalone(String... extraArgs) {
        return start("standalone", List.of(extraArgs), false);
    }

    /** A standalone server that writes every command to its append-only file before answering. */
    static RedisProcess durable() {
        return start("durable", List.of("--appendonly", "yes", "--appendfsync", "always"), false);
    }

    /**
     * A TLS-only server with a self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made with
     * openssl for this run; {@code cert.pem} and {@code key.pem} are in {@link RedisProcess#dir()}. Client
     * certificates are optional.
     */
    static RedisProcess tls() {
        return start("tls", List.of(), true);
    }

    /** A TLS server using the certificate already in {@code dir}, with extra arguments. */
    static RedisProcess tlsWith(Path dir, String... extraArgs) {
        return start("tls", List.of(extraArgs), true, dir);
    }

    /** A cluster of {@code masters} masters without replicas, every slot covered and {@code cluster_state:ok}. */
    static RedisCluster cluster(int masters) {
        List<RedisProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < masters; i++) {
                nodes.add(clusterNode("cluster-" + i, Duration.ofSeconds(2)));
            }
            List<String> create = new ArrayList<>(List.of("--cluster", "create"));
            for (RedisProcess n : nodes) {
                create.add("127.0.0.1:" + n.port());
            }
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            String out = cli(create);
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            for (RedisProcess n : nodes) {
                while (!command(n.port(), "CLUSTER INFO").contains("cluster_state:ok")) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException("The test cluster did not reach cluster_state:ok within "
                                + START_TIMEOUT + "; redis-cli said:\n" + out);
                    }
                    pause(50);
                }
            }
            return new RedisCluster(nodes);
        } catch (RuntimeException e) {
            nodes.forEach(RedisProcess::close);
            throw e;
        }
    }

    /**
     * A node for a cluster, not yet part of one: cluster mode on, its cluster configuration in {@code nodes.conf}
     * in its directory (so a restart keeps its identity), a free bus port, the given node timeout, and extra
     * arguments.
     */
    static RedisProcess clusterNode(String name, Duration nodeTimeout, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-port", Integer.toString(freePort()), "--cluster-node-timeout",
                Long.toString(nodeTimeout.toMillis())));
        args.addAll(List.of(extraArgs));
        return start(name, args, false);
    }

    /** Runs {@code redis-cli} with the arguments and returns its output. */
    static String cli(List<String> args) {
        List<String> cmd = new ArrayList<>(launcher("redis-cli", null));
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("redis-cli " + String.join(" ", args) + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends one inline command to a plain (non-TLS) server and returns the reply's text. */
    static String command(int port, String command) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String first = in.readLine();
            if (first == null) {
                return "";
            }
            if (first.startsWith("$")) {
                int length = Integer.parseInt(first.substring(1));
                if (length < 0) {
                    return "";
                }
                char[] buf = new char[length];
                int read = 0;
                while (read < length) {
                    int n = in.read(buf, read, length - read);
                    if (n < 0) {
                        break;
                    }
                    read += n;
                }
                return new String(buf, 0, read);
            }
            return first;
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * A sentinel ({@code redis-server CONFIG --sentinel}) whose configuration file {@code configure} writes
     * into its directory (a sentinel rewrites that file, so each needs its own); ready once it monitors its
     * master.
     */
    static RedisProcess sentinel(java.util.function.Consumer<Path> configure) {
        Path dir;
        try {
            dir = Files.createTempDirectory("greenlang-redis-sentinel-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        configure.accept(dir.resolve("sentinel.conf"));
        return start("sentinel", List.of("--sentinel"), false, dir, List.of(dir.resolve("sentinel.conf").toString()),
                "+monitor master");
    }

    /**
     * A TLS-only sentinel ({@code tls-replication yes}: it also speaks TLS to the data nodes and the other
     * sentinels) with the certificate and key in {@code certDir}, as {@link #tls()} made them.
     */
    static RedisProcess tlsSentinel(Path certDir, java.util.function.Consumer<Path> configure) {
        Path dir = withCertificateOf(certDir);
        configure.accept(dir.resolve("sentinel.conf"));
        return start("sentinel", List.of("--sentinel", "--tls-replication", "yes"), true, dir,
                List.of(dir.resolve("sentinel.conf").toString()), "+monitor master");
    }

    /** A new temporary directory with a copy of the certificate and key in {@code certDir}, for another TLS server. */
    static Path withCertificateOf(Path certDir) {
        try {
            Path dir = Files.createTempDirectory("greenlang-redis-tls-");
            Files.copy(certDir.resolve("cert.pem"), dir.resolve("cert.pem"));
            Files.copy(certDir.resolve("key.pem"), dir.resolve("key.pem"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RedisProcess start(String name, List<String> extra, boolean tls) {
        return start(name, extra, tls, null);
    }

    private static RedisProcess start(String name, List<String> extra, boolean tls, Path existing) {
        return start(name, extra, tls, existing, List.of(), "Ready to accept connections");
    }

    private static RedisProcess start(String name, List<String> extra, boolean tls, Path existing,
            List<String> leading, String readyMarker) {
        Path dir = existing;
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("greenlang-redis-" + name + "-");
                if (tls) {
                    generateCertificate(dir);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            List<String> args = new ArrayList<>(leading);
            args.addAll(List.of("--daemonize", "no", "--bind", "127.0.0.1", "--save", "",
                    "--dir", dir.toString(), "--logfile", ""));
            if (!extra.contains("--appendonly")) {
                args.addAll(List.of("--appendonly", "no"));
            }
            if (tls) {
                args.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port),
                        "--tls-cert-file", dir.resolve("cert.pem").toString(),
                        "--tls-key-file", dir.resolve("key.pem").toString(),
                        "--tls-ca-cert-file", dir.resolve("cert.pem").toString(),
                        "--tls-auth-clients", "optional"));
            } else {
                args.addAll(List.of("--port", Integer.toString(port)));
            }
            args.addAll(extra);
            RedisProcess p = new RedisProcess(name, port, dir, args, tls, readyMarker);
            try {
                p.start();
                return p;
            } catch (IllegalStateException e) {
                last = e;
                if (!e.getMessage().contains("Address already in use")) {
                    throw e;
                }
            }
        }
        throw last;
    }

    private static void generateCertificate(Path dir) throws IOException {
        List<String> cmd = List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl could not make a test certificate:\n" + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("The TLS tests need the openssl command to make a certificate. Install it, "
                    + "for example with apt-get install -y openssl.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int freePort() {
        return ListenerPorts.next();
    }

    /** The command that runs a Redis tool here: the local binary, or Docker with the host network. */
    private static List<String> launcher(String tool, Path mount) {
        if (onPath(tool)) {
            return List.of(tool);
        }
        if (onPath("docker")) {
            List<String> cmd = new ArrayList<>(List.of("docker", "run", "--rm", "-i", "--network", "host"));
            if (mount != null) {
                cmd.addAll(List.of("-v", mount + ":" + mount, "--name", "greenlang-test-" + mount.getFileName()));
            }
            cmd.addAll(List.of(DOCKER_IMAGE, tool));
            return cmd;
        }
        throw new IllegalStateException("The Redis backend's tests start their own Redis servers, but '" + tool
                + "' is not on the PATH (and neither is docker). Install Redis 7: as root on Debian or Ubuntu, "
                + "apt-get install -y redis-server (the README's test command does this), or see "
                + "https://redis.io/docs/latest/operate/oss_and_stack/install/. To run only the standalone TCK against "
                + "a server you already have, set " + URL_ENV + "=redis://host:port.");
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // polling an external process; no condition object to wait on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One {@code redis-server} process; it can be stopped, killed and started again on the same port. */
    static final class RedisProcess implements AutoCloseable {
        private final String name;
        private final int port;
        private final Path dir;
        private final List<String> args;
        private final boolean tls;
        private final String readyMarker;
        private volatile Process process;
        private volatile boolean docker;

        private RedisProcess(String name, int port, Path dir, List<String> args, boolean tls, String readyMarker) {
            this.name = name;
            this.port = port;
            this.dir = dir;
            this.args = args;
            this.tls = tls;
            this.readyMarker = readyMarker;
        }

        int port() {
            return port;
        }

        Path dir() {
            return dir;
        }

        /** {@code redis://127.0.0.1:port}, or {@code rediss://localhost:port} for a TLS server. */
        String url() {
            return tls ? "rediss://localhost:" + port : "redis://127.0.0.1:" + port;
        }

        boolean isAlive() {
            Process p = process;
            return p != null && p.isAlive();
        }

        /** Starts the server (again) and waits until it accepts connections. */
        synchronized void start() {
            start(true, List.of());
        }

        /**
         * Starts the server again with extra arguments, waiting only until it has begun loading its data
         * (it answers {@code LOADING} until it is done).
         */
        synchronized void startLoading(String... extraArgs) {
            start(false, List.of(extraArgs));
        }

        private void start(boolean waitReady, List<String> extraArgs) {
            List<String> cmd = new ArrayList<>();
            List<String> server = launcher("redis-server", dir);
            docker = server.get(0).equals("docker");
            if (!docker && onPath("setpriv")) {
                cmd.addAll(List.of("setpriv", "--pdeathsig", "KILL", "--"));
            }
            cmd.addAll(server);
            cmd.addAll(args);
            cmd.addAll(extraArgs);
            Path log = dir.resolve("redis-" + System.nanoTime() + ".log");
            try {
                process = LAUNCHER.submit(() -> new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start()).get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("Could not start " + String.join(" ", cmd) + ": " + e.getCause(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            RUNNING.add(this);
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (true) {
                String text = read(log);
                if (text.contains(readyMarker) || (!waitReady && text.contains("Server initialized"))) {
                    return;
                }
                if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                    kill();
                    throw new IllegalStateException("redis-server " + name + " on port " + port + " did not start"
                            + (process.isAlive() ? " within " + START_TIMEOUT : "") + "; its log:\n" + text);
                }
                pause(5);
            }
        }

        /** Stops it with SIGTERM, as an orderly shutdown; SIGKILL after 10 s. */
        synchronized void stop() {
            Process p = process;
            if (p == null) {
                return;
            }
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            dockerRemove();
            RUNNING.remove(this);
        }

        /** Freezes it with SIGSTOP: its sockets stay open, and nothing answers; {@link #resume()} thaws it. */
        void suspend() {
            signal("STOP");
        }

        void resume() {
            signal("CONT");
        }

        private void signal(String name) {
            try {
                Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
                if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                    throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Kills it with SIGKILL, as a crash. */
        synchronized void kill() {
            Process p = process;
            if (p == null) {
                return;
            }
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            dockerRemove();
            RUNNING.remove(this);
        }

        private void dockerRemove() {
            if (docker) {
                try {
                    new ProcessBuilder("docker", "rm", "-f", "greenlang-test-" + dir.getFileName()).start()
                            .waitFor(30, TimeUnit.SECONDS);
                } catch (IOException | InterruptedException e) {
                    // best effort
                }
            }
        }

        /** Stops it and deletes its directory. */
        @Override
        public void close() {
            stop();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temporary directory; left behind at worst
            }
        }

        private static String read(Path log) {
            try {
                return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
            } catch (IOException e) {
                return "";
            }
        }

        @Override
        public String toString() {
            return "redis-server " + name + " on port " + port;
        }
    }

    /** The nodes of a test cluster. */
    static final class RedisCluster implements AutoCloseable {
        private final List<RedisProcess> nodes;

        RedisCluster(List<RedisProcess> nodes) {
            this.nodes = List.copyOf(nodes);
        }

        List<RedisProcess> nodes() {
            return nodes;
        }

        /** {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,...}. */
        String url() {
            StringBuilder sb = new StringBuilder("redis-cluster://");
            for (int i = 0; i < nodes.size(); i++) {
                sb.append(i == 0 ? "" : ",").append("127.0.0.1:").append(nodes.get(i).port());
            }
            return sb.toString();
        }

        @Override
        public void close() {
            nodes.forEach(RedisProcess::close);
        }
    }
}
