/**
 * The Kafka backend ({@code kafka://}): the whole contract on Apache Kafka through kafka-clients.
 *
 * <ul>
 *   <li>Topics are Kafka topics, created on first use through the admin client (partitions, replication, retention,
 *       append-time timestamps); priorities map to three band topics ({@link io.greenlang.messaging.kafka.TopicNames}).
 *       Records are {@link io.greenlang.messaging.spi.wire.WireFormat} envelopes keyed by the message key.</li>
 *   <li>A group on a topic is the Kafka consumer group {@code <group>@<topic>} (KIP-848 protocol). Messages are
 *       acknowledged one by one and complete out of order; the contiguous completed prefix of each partition is
 *       committed, with the completed offsets above it in the commit metadata.</li>
 *   <li>Retries go through a retry topic per topic and group, dead letters to a dead-letter topic per topic and
 *       group; leases are kept by the consumer and an expired one is re-published with attempt + 1.</li>
 * </ul>
 *
 * <p>Null policy: parameters and return values are non-null unless documented otherwise.
 */
package io.greenlang.messaging.kafka;
