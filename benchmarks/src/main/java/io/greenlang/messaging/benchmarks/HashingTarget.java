package io.greenlang.messaging.benchmarks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;

/**
 * The raw baseline plus the hash the contract asks for: before each send, a SHA-256 over as many bytes as the
 * library's provenance hash covers (its fixed fields, about 80 bytes with the topic, and the payload as sent).
 * Beside the plain baseline it shows what the library's own machinery costs apart from that hash.
 */
final class HashingTarget implements BenchTarget {
    /** Stands for the fixed fields the library hashes with the payload: magic, id, times, priority, lengths. */
    private static final byte[] FIELDS = ("GLM1" + "0190f3a2-7c4e-7d21-9a53-4b1f2e8c6d70" + "priority+created+expiry"
            + "opts").getBytes(StandardCharsets.US_ASCII);

    private final BenchTarget raw;

    HashingTarget(BenchTarget raw) {
        this.raw = raw;
    }

    @Override
    public String label() {
        return "raw+hash";
    }

    @Override
    public String description() {
        return raw.description() + ", with a SHA-256 over the fields and payload of each message before it is sent";
    }

    @Override
    public BenchChannel open(String name, int capacity) {
        return new HashingChannel(raw.open(name, capacity), name);
    }

    @Override
    public BenchChannel open(String name, int capacity, String codec) {
        return new HashingChannel(raw.open(name, capacity, codec), name);
    }

    /** The raw target is closed by its owner. */
    @Override
    public void close() {
    }

    private static final class HashingChannel implements BenchChannel {
        private final BenchChannel channel;
        private final byte[] topic;
        private final MessageDigest sha256;

        HashingChannel(BenchChannel channel, String topic) {
            this.channel = channel;
            this.topic = topic.getBytes(StandardCharsets.UTF_8);
            try {
                this.sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing, yet every Java platform must provide it", e);
            }
        }

        /** Publishing is called from one thread (see {@link BenchChannel}), so one digest serves the channel. */
        private void hash(byte[] payload) {
            sha256.update(FIELDS);
            sha256.update(topic);
            sha256.update(payload);
            sha256.digest(); // and resets it
        }

        @Override
        public void publish(byte[] payload) {
            hash(payload);
            channel.publish(payload);
        }

        @Override
        public void publishBatch(List<byte[]> payloads) {
            payloads.forEach(this::hash);
            channel.publishBatch(payloads);
        }

        @Override
        public void publishRecord(Reading reading, RecordCodec codec) {
            byte[] payload = codec.encode(reading);
            hash(payload);
            channel.publish(payload);
        }

        @Override
        public void awaitPublished(Duration timeout) {
            channel.awaitPublished(timeout);
        }

        @Override
        public void createGroup() {
            channel.createGroup();
        }

        @Override
        public Consumers consume(int consumers, PayloadHandler handler) {
            return channel.consume(consumers, handler);
        }

        @Override
        public void close() {
            channel.close();
        }
    }
}
