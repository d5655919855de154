package io.raftgres.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose client takes longer than the request timeout to send one request,
 * headers and body, counted from its first byte: a client that trickles its request cannot hold
 * a connection (or anything a handler would wait for) open indefinitely. Time spent by the
 * server answering does not count. Everything runs on the connection's event loop, which a
 * slow client never blocks, so other clients are served meanwhile.
 *
 * <p>Two handlers share one deadline: {@link #raw()} sits before the HTTP decoder (after TLS)
 * and starts the clock on the first bytes of a request; {@link #decoded()} sits after the
 * decoder and stops it when the request's last part has arrived.
 */
final class RequestDeadline {

    private final long timeoutMillis;
    private ScheduledFuture<?> pending;

    RequestDeadline(Duration timeout) {
        this.timeoutMillis = timeout.toMillis();
    }

    ChannelInboundHandlerAdapter raw() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (pending == null) {
                    pending = ctx.executor().schedule(() -> {
                        pending = null;
                        ctx.channel().close();
                    }, timeoutMillis, TimeUnit.MILLISECONDS);
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                cancel();
                ctx.fireChannelInactive();
            }
        };
    }

    ChannelInboundHandlerAdapter decoded() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof LastHttpContent) {
                    cancel();
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    private void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
