package io.greenlang.messaging.redis;

import io.lettuce.core.protocol.CommandEncoder;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.util.internal.PlatformDependent;
import java.util.Collection;

/**
 * Encodes commands as Lettuce's {@link CommandEncoder} does, but never logs them. Lettuce's encoder writes every
 * frame it sends to its logger at TRACE ({@code Sent: ...}), the {@code AUTH user password} of the handshake
 * included, so no logging configuration of the user's could keep the password out of the logs. {@link #INSTALLER}
 * puts this encoder in its place on every connection, before the handshake.
 *
 * <p>Not shared between channels (an encoder keeps no state, but Netty requires a fresh one per pipeline unless it
 * is marked sharable).
 */
final class QuietCommandEncoder extends MessageToByteEncoder<Object> {
    /** Replaces Lettuce's encoder on each new connection. */
    static final NettyCustomizer INSTALLER = new NettyCustomizer() {
        @Override
        public void afterChannelInitialized(Channel channel) {
            CommandEncoder lettuce = channel.pipeline().get(CommandEncoder.class);
            if (lettuce != null) {
                channel.pipeline().replace(lettuce, "greenlang-quiet-encoder", new QuietCommandEncoder());
            }
        }
    };

    QuietCommandEncoder() {
        super(PlatformDependent.directBufferPreferred()); // as Lettuce's encoder
    }

    /** Sized as Lettuce's encoder sizes it: a batch of commands gets room for 16 bytes each at once. */
    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Object msg, boolean preferDirect) {
        if (msg instanceof Collection) {
            int size = ((Collection<?>) msg).size() * 16;
            return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
        }
        return preferDirect ? ctx.alloc().ioBuffer() : ctx.alloc().heapBuffer();
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) {
        if (msg instanceof RedisCommand) {
            encode(ctx, out, (RedisCommand<?, ?, ?>) msg);
        } else if (msg instanceof Collection) {
            for (Object command : (Collection<?>) msg) {
                encode(ctx, out, (RedisCommand<?, ?, ?>) command);
            }
        }
    }

    private static void encode(ChannelHandlerContext ctx, ByteBuf out, RedisCommand<?, ?, ?> command) {
        out.markWriterIndex();
        try {
            command.encode(out);
        } catch (RuntimeException e) {
            // as Lettuce does: a half-written command leaves the connection out of step with the server
            ctx.close();
            throw new EncoderException("Cannot encode command " + command.getType()
                    + ". Closing the connection as its state may be out of sync.", e);
        }
    }
}
