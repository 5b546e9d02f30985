/**
 * The Redis Streams backend: {@link io.greenlang.messaging.redis.RedisBrokerProvider} (URLs and options) and
 * {@link io.greenlang.messaging.redis.RedisBroker} (how the contract maps to streams, consumer groups and Lua
 * scripts). Everything else in the package is internal.
 *
 * <p>Null policy: parameters and return values are non-null unless documented otherwise.
 */
package io.greenlang.messaging.redis;
