package io.greenlang.messaging.kafka;

import io.greenlang.messaging.tck.ListenerPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Real Kafka 4.4 brokers (KRaft, combined broker and controller) as separate JVMs on free loopback ports, for
 * tests. The broker's class path is the test JVM's own ({@code kafka_2.13} is a test dependency).
 *
 * <p>Every broker runs under {@code setpriv --pdeathsig KILL}, started from its own long-lived launcher thread, so
 * the kernel kills it when the test JVM dies, however it dies. {@link #close()} stops them all; a JVM shutdown hook
 * does too. A broker is ready when its log says "Kafka Server started".
 */
final class KafkaTestCluster implements AutoCloseable {
    /** A SCRAM user created when the cluster is formatted with {@link Options#scram}. */
    static final String SCRAM_USER = "greenlang-app";

    /** How to build the cluster. */
    record Options(int nodes, boolean scram, String scramPassword, boolean tls) {
        static Options single() {
            return new Options(1, false, null, false);
        }

        static Options scram(String password) {
            return new Options(1, true, password, false);
        }

        /** A client listener on TLS, with a self-signed certificate for 127.0.0.1 (see {@link #trustStore()}). */
        static Options withTls() {
            return new Options(1, false, null, true);
        }

        static Options three() {
            return new Options(3, false, null, false);
        }
    }

    /** The password of the key store and trust store made for {@link Options#withTls()}. */
    static final String STORE_PASSWORD = "test-store-password";

    private final Options options;
    private final Path dir;
    private final List<Node> nodes = new ArrayList<>();
    private final Thread hook;

    private final class Node {
        final int id;
        final int port;
        final int internalPort;
        final int controllerPort;
        final Path home;
        final Path log;
        volatile Process process;
        Thread launcher;

        Node(int id, int port, int internalPort, int controllerPort) {
            this.id = id;
            this.port = port;
            this.internalPort = internalPort;
            this.controllerPort = controllerPort;
            this.home = dir.resolve("node-" + id);
            this.log = home.resolve("server.log");
        }
    }

    private KafkaTestCluster(Options options) throws IOException {
        this.options = options;
        this.dir = Files.createTempDirectory("greenlang-kafka-");
        this.hook = new Thread(this::stopAll, "greenlang-kafka-test-cluster-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts a cluster and waits until every broker is ready. */
    static KafkaTestCluster start(Options options) {
        try {
            KafkaTestCluster c = new KafkaTestCluster(options);
            try {
                c.startAll();
                return c;
            } catch (RuntimeException | IOException e) {
                c.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code host:port,...} of the client listener. */
    String bootstrap() {
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes) {
            sb.append(sb.length() == 0 ? "" : ",").append("127.0.0.1:").append(n.port);
        }
        return sb.toString();
    }

    int size() {
        return nodes.size();
    }

    /** SIGKILL of one broker, as a crash would. */
    void kill(int index) {
        Node n = nodes.get(index);
        Process p = n.process;
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts a killed broker again on its old ports and data, and waits until it is ready. */
    void restart(int index) throws IOException {
        Node n = nodes.get(index);
        launch(n, Files.size(n.log));
    }

    /** The log files, for diagnostics and for checking that no secret was logged. */
    List<Path> logs() {
        return nodes.stream().map(n -> n.log).toList();
    }

    private void startAll() throws IOException {
        int count = options.nodes();
        for (int i = 0; i < count; i++) {
            nodes.add(new Node(i + 1, ListenerPorts.next(), ListenerPorts.next(), ListenerPorts.next()));
        }
        if (options.tls()) {
            makeCertificates();
        }
        String clusterId = Uuid.randomUuid().toString();
        List<CompletableFuture<Void>> formatted = new ArrayList<>();
        for (Node n : nodes) {
            Files.createDirectories(n.home.resolve("data"));
            Files.writeString(n.home.resolve("server.properties"), properties(n), StandardCharsets.UTF_8);
            formatted.add(CompletableFuture.runAsync(() -> format(n, clusterId)));
        }
        CompletableFuture.allOf(formatted.toArray(new CompletableFuture<?>[0])).join();
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (Node n : nodes) {
            started.add(CompletableFuture.runAsync(() -> {
                try {
                    launch(n, 0);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        CompletableFuture.allOf(started.toArray(new CompletableFuture<?>[0])).join();
    }

    private String properties(Node n) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(n.id));
        String client = options.scram() ? "SASL_PLAINTEXT" : options.tls() ? "SSL" : "PLAINTEXT";
        if (options.tls()) {
            p.put("ssl.keystore.location", dir.resolve("broker.p12").toString());
            p.put("ssl.keystore.password", STORE_PASSWORD);
            p.put("ssl.key.password", STORE_PASSWORD);
            p.put("ssl.keystore.type", "PKCS12");
            p.put("ssl.client.auth", "none");
        }
        p.put("listeners", client + "://127.0.0.1:" + n.port + ",INTERNAL://127.0.0.1:" + n.internalPort
                + ",CONTROLLER://127.0.0.1:" + n.controllerPort);
        p.put("advertised.listeners", client + "://127.0.0.1:" + n.port + ",INTERNAL://127.0.0.1:" + n.internalPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "INTERNAL");
        p.put("listener.security.protocol.map", client + ":" + client + ",INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
        if (options.scram()) {
            p.put("sasl.enabled.mechanisms", "SCRAM-SHA-256,SCRAM-SHA-512");
            for (String mechanism : List.of("scram-sha-256", "scram-sha-512")) {
                p.put("listener.name.sasl_plaintext." + mechanism + ".sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            }
        }
        if (nodes.size() == 1) {
            p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + n.controllerPort);
        } else {
            StringBuilder voters = new StringBuilder();
            for (Node v : nodes) {
                voters.append(voters.length() == 0 ? "" : ",").append(v.id).append("@127.0.0.1:").append(v.controllerPort);
            }
            p.put("controller.quorum.voters", voters.toString());
            p.put("broker.session.timeout.ms", "2000");
            p.put("broker.heartbeat.interval.ms", "500");
            p.put("controller.quorum.fetch.timeout.ms", "1000");
            p.put("controller.quorum.election.timeout.ms", "500");
            p.put("default.replication.factor", "3");
            p.put("min.insync.replicas", "2");
        }
        p.put("log.dirs", n.home.resolve("data").toString());
        String rf = Integer.toString(nodes.size());
        p.put("offsets.topic.replication.factor", rf);
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", rf);
        p.put("transaction.state.log.min.isr", nodes.size() == 1 ? "1" : "2");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", rf);
        p.put("share.coordinator.state.topic.min.isr", nodes.size() == 1 ? "1" : "2");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.consumer.heartbeat.interval.ms", "500");
        p.put("group.consumer.min.heartbeat.interval.ms", "500");
        // Kafka's default group session timeout (45 s), so that a test sees the backend's session-timeout option
        // take effect; the minimum is lowered from 45 s so that the option may go down to seconds
        p.put("group.consumer.session.timeout.ms", "45000");
        p.put("group.consumer.min.session.timeout.ms", "1000");
        p.put("group.share.heartbeat.interval.ms", "500");
        p.put("group.share.min.heartbeat.interval.ms", "500");
        p.put("file.delete.delay.ms", "1000");
        p.put("auto.create.topics.enable", "false");
        p.put("log.index.size.max.bytes", "1048576");
        p.put("num.io.threads", "2");
        p.put("num.network.threads", "2");
        p.put("background.threads", "2");
        p.put("log.cleaner.threads", "1");
        StringBuilder sb = new StringBuilder();
        p.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    /** The trust store (PKCS12, password {@link #STORE_PASSWORD}) that trusts the TLS broker's certificate. */
    Path trustStore() {
        return dir.resolve("trust.p12");
    }

    private void makeCertificates() {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-dname",
                "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", dir.resolve("broker.p12").toString(), "-storepass", STORE_PASSWORD, "-keypass",
                STORE_PASSWORD));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "broker", "-keystore",
                dir.resolve("broker.p12").toString(), "-storepass", STORE_PASSWORD, "-file",
                dir.resolve("broker.pem").toString()));
        run(List.of(keytool, "-importcert", "-noprompt", "-alias", "broker", "-file", dir.resolve("broker.pem").toString(),
                "-storetype", "PKCS12", "-keystore", trustStore().toString(), "-storepass", STORE_PASSWORD));
    }

    private void run(List<String> cmd) {
        Path out = dir.resolve("keytool.log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(cmd.get(1) + " failed:\n" + Files.readString(out));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void format(Node n, String clusterId) {
        List<String> cmd = new ArrayList<>(javaCommand("kafka.tools.StorageTool"));
        cmd.addAll(List.of("format", "-t", clusterId, "-c", n.home.resolve("server.properties").toString()));
        if (nodes.size() == 1) {
            cmd.add("--standalone");
        }
        if (options.scram()) {
            for (String mechanism : List.of("SCRAM-SHA-256", "SCRAM-SHA-512")) {
                cmd.add("--add-scram");
                cmd.add(mechanism + "=[name=" + SCRAM_USER + ",password=" + options.scramPassword() + "]");
            }
        }
        Path out = n.home.resolve("format.log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("Formatting the storage of Kafka node " + n.id + " failed:\n"
                        + Files.readString(out));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> javaCommand(String mainClass) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-cp", System.getProperty("java.class.path"), mainClass);
    }

    /** Starts the broker process from a launcher thread that lives as long as it, and waits until it is ready. */
    private void launch(Node n, long logFrom) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            cmd.addAll(List.of("/usr/bin/setpriv", "--pdeathsig", "KILL", "--"));
        }
        cmd.addAll(javaCommand("kafka.Kafka"));
        cmd.add(n.home.resolve("server.properties").toString());
        CompletableFuture<Process> started = new CompletableFuture<>();
        Thread launcher = new Thread(() -> {
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(n.log.toFile())).start();
                started.complete(p);
                p.waitFor();
            } catch (IOException e) {
                started.completeExceptionally(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "greenlang-kafka-launcher-" + n.id);
        launcher.setDaemon(true);
        launcher.start();
        n.launcher = launcher;
        Process p = started.join();
        n.process = p;
        try {
            Awaitility.await("Kafka node " + n.id + " to log \"Kafka Server started\"").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(50)).until(() -> {
                        String log = Files.exists(n.log) ? Files.readString(n.log, StandardCharsets.UTF_8) : "";
                        if (!p.isAlive()) {
                            throw new IllegalStateException("Kafka node " + n.id + " exited with " + p.exitValue()
                                    + ":\n" + tail(log));
                        }
                        return log.length() > logFrom && log.substring((int) logFrom).contains("Kafka Server started");
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("Kafka node " + n.id + " was not ready within 90 s:\n"
                    + tail(Files.readString(n.log)), e);
        }
    }

    private static String tail(String log) {
        return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
    }

    private void stopAll() {
        for (Node n : nodes) {
            Process p = n.process;
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        for (Node n : nodes) {
            Process p = n.process;
            try {
                if (p != null && !p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
        if (!Boolean.getBoolean("greenlang.test.kafka.keep")) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // best effort
            }
        }
    }

    @Override
    public String toString() {
        return "KafkaTestCluster{" + bootstrap() + ", dir=" + dir + "}";
    }
}
