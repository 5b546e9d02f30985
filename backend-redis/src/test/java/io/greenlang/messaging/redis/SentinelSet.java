package io.greenlang.messaging.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Redis master, its replicas (one by default) and three sentinels (quorum 2) on free loopback ports, as the platform runs
 * them: a killed master is replaced about two seconds later ({@code down-after-milliseconds} 1000). With
 * {@link #startTls()}, every process speaks TLS only, with the certificate {@link RedisServers#tls()} makes.
 */
final class SentinelSet implements AutoCloseable {
    static final String MASTER_NAME = "glm-master";
    /** Between two polls of the processes (each poll runs redis-cli a few times). */
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final List<RedisServers.RedisProcess> dataNodes;
    private final List<RedisServers.RedisProcess> sentinels;
    /** The certificate every process presents and trusts; {@code null} without TLS. */
    private final Path cert;

    private SentinelSet(List<RedisServers.RedisProcess> dataNodes, List<RedisServers.RedisProcess> sentinels,
            Path cert) {
        this.dataNodes = dataNodes;
        this.sentinels = sentinels;
        this.cert = cert;
    }

    /** A master with one replica. */
    static SentinelSet start() {
        return start(1);
    }

    /** Starts the set and waits until every sentinel knows the replicas and the other two sentinels. */
    static SentinelSet start(int replicas) {
        return start(replicas, false);
    }

    /**
     * A master with one replica and three sentinels, all TLS only ({@code port 0}, {@code tls-port}), the replica
     * and the sentinels connecting with TLS too ({@code tls-replication yes}).
     */
    static SentinelSet startTls() {
        return start(1, true);
    }

    private static SentinelSet start(int replicas, boolean tls) {
        List<RedisServers.RedisProcess> dataNodes = new ArrayList<>();
        List<RedisServers.RedisProcess> sentinels = new ArrayList<>();
        try {
            RedisServers.RedisProcess master = tls ? RedisServers.tls() : RedisServers.standalone();
            dataNodes.add(master);
            String[] replicaOf = {"--replicaof", "127.0.0.1", Integer.toString(master.port())};
            for (int i = 0; i < replicas; i++) {
                dataNodes.add(tls ? RedisServers.tlsWith(RedisServers.withCertificateOf(master.dir()), replicaOf[0],
                        replicaOf[1], replicaOf[2], "--tls-replication", "yes") : RedisServers.standalone(replicaOf));
            }
            java.util.function.Consumer<Path> configure = config -> write(config, List.of(
                    "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2",
                    "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                    "sentinel failover-timeout " + MASTER_NAME + " 5000"));
            for (int i = 0; i < 3; i++) {
                sentinels.add(tls ? RedisServers.tlsSentinel(master.dir(), configure) : RedisServers.sentinel(configure));
            }
            SentinelSet set = new SentinelSet(dataNodes, sentinels, tls ? master.dir().resolve("cert.pem") : null);
            set.awaitSettled();
            return set;
        } catch (RuntimeException e) {
            sentinels.forEach(RedisServers.RedisProcess::close);
            dataNodes.forEach(RedisServers.RedisProcess::close);
            throw e;
        }
    }

    /**
     * {@code redis-sentinel://127.0.0.1:s1,...?master=glm-master}, or with TLS
     * {@code rediss-sentinel://localhost:s1,...?master=glm-master} (the host name the certificate names).
     */
    String url() {
        StringBuilder sb = new StringBuilder(cert == null ? "redis-sentinel://" : "rediss-sentinel://");
        String host = cert == null ? "127.0.0.1:" : "localhost:";
        for (int i = 0; i < sentinels.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(host).append(sentinels.get(i).port());
        }
        return sb.append("?master=").append(MASTER_NAME).toString();
    }

    /** The certificate (PEM) of a TLS set, for option {@code tls.trust-cert}. */
    Path cert() {
        return java.util.Objects.requireNonNull(cert, "not a TLS set");
    }

    /** {@code options} plus {@code replica-acks=1}, unless they set it: how the kits run on this set. */
    static Map<String, String> withReplicaAcks(Map<String, String> options) {
        Map<String, String> withAcks = new HashMap<>(options);
        withAcks.putIfAbsent(RedisSettings.REPLICA_ACKS, "1");
        return withAcks;
    }

    List<RedisServers.RedisProcess> sentinels() {
        return sentinels;
    }

    List<RedisServers.RedisProcess> dataNodes() {
        return dataNodes;
    }

    /** The data node the sentinels name as master now. */
    RedisServers.RedisProcess master() {
        int port = masterPort();
        return dataNodes.stream().filter(n -> n.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("The sentinels name port " + port + " as master"));
    }

    /** The port the first answering sentinel names as master's. */
    int masterPort() {
        for (RedisServers.RedisProcess s : sentinels) {
            if (!s.isAlive()) {
                continue;
            }
            String out = cli(s.port(), "SENTINEL", "get-master-addr-by-name", MASTER_NAME);
            String[] lines = out.trim().split("\\R");
            if (lines.length == 2) {
                return Integer.parseInt(lines[1].trim());
            }
        }
        throw new IllegalStateException("No sentinel names a master for " + MASTER_NAME);
    }

    /**
     * Waits until the sentinels agree on a master other than {@code oldPort} and it answers as master; returns
     * its port.
     */
    int awaitMasterOtherThan(int oldPort, Duration timeout) {
        return TestSupport.await("a master other than port " + oldPort, timeout).pollInterval(POLL)
                .until(this::masterPort, port -> port != oldPort && cli(port, "ROLE").startsWith("master"));
    }

    /** Waits until every live sentinel sees the master, a replica linked to it, and the other sentinels. */
    void awaitSettled() {
        TestSupport.await("the sentinel set to settle", READY_TIMEOUT).pollInterval(POLL).until(this::settled);
    }

    private boolean settled() {
        boolean settled = true;
        int masterPort = masterPort();
        long live = sentinels.stream().filter(RedisServers.RedisProcess::isAlive).count();
        for (RedisServers.RedisProcess s : sentinels) {
            if (!s.isAlive()) {
                continue;
            }
            String out = cli(s.port(), "SENTINEL", "master", MASTER_NAME);
            settled &= field(out, "port").equals(Integer.toString(masterPort))
                    && field(out, "flags").equals("master")
                    && Integer.parseInt(field(out, "num-slaves")) >= dataNodes.size() - 1
                    && Integer.parseInt(field(out, "num-other-sentinels")) >= live - 1;
        }
        long replicas = 0;
        for (RedisServers.RedisProcess n : dataNodes) {
            if (n.isAlive() && n.port() != masterPort) {
                replicas++;
                settled &= info(n.port()).contains("master_link_status:up");
            }
        }
        // the master lists a replica as online a moment after the replica says its link is up
        return settled && info(masterPort).split("state=online", -1).length - 1 >= replicas;
    }

    @Override
    public void close() {
        sentinels.forEach(RedisServers.RedisProcess::close);
        dataNodes.forEach(RedisServers.RedisProcess::close);
    }

    /** {@code INFO replication} of a data node. */
    private String info(int port) {
        return cert == null ? RedisServers.command(port, "INFO replication") : cli(port, "INFO", "replication");
    }

    /** {@code redis-cli} against a process of this set, over TLS for a TLS set. */
    String cli(int port, String... command) {
        List<String> args = new ArrayList<>(List.of("-p", Integer.toString(port)));
        if (cert != null) {
            args.addAll(List.of("--tls", "--cacert", cert.toString()));
        }
        args.addAll(List.of(command));
        return RedisServers.cli(args);
    }

    /** The value after {@code name} in redis-cli's one-item-per-line output of a flat reply. */
    private static String field(String out, String name) {
        String[] lines = out.trim().split("\\R");
        for (int i = 0; i + 1 < lines.length; i += 2) {
            if (lines[i].trim().equals(name)) {
                return lines[i + 1].trim();
            }
        }
        return "";
    }

    private static void write(Path file, List<String> lines) {
        try {
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
