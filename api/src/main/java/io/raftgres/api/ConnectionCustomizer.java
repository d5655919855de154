package io.raftgres.api;

import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;

import java.time.Duration;

/**
 * Adds what every accepted connection needs before Micronaut's HTTP handlers: the TLS handler
 * (from the current {@link ServerTls} context, when HTTPS is on) and the {@link RequestDeadline}
 * that cuts off a client too slow to send its request.
 */
final class ConnectionCustomizer implements NettyServerCustomizer {

    private final ServerTls tls;
    private final Duration requestTimeout;
    private final Channel channel;

    ConnectionCustomizer(ServerTls tls, Duration requestTimeout) {
        this(tls, requestTimeout, null);
    }

    private ConnectionCustomizer(ServerTls tls, Duration requestTimeout, Channel channel) {
        this.tls = tls;
        this.requestTimeout = requestTimeout;
        this.channel = channel;
    }

    @Override
    public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
        return role == ChannelRole.CONNECTION ? new ConnectionCustomizer(tls, requestTimeout, channel) : this;
    }

    @Override
    public void onInitialPipelineBuilt() {
        if (channel == null) {
            return;
        }
        ChannelPipeline pipeline = channel.pipeline();
        String decoder = ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC;
        if (pipeline.get(decoder) != null) {
            RequestDeadline deadline = new RequestDeadline(requestTimeout);
            pipeline.addFirst("raftgres-request-deadline", deadline.raw());
            pipeline.addAfter(decoder, "raftgres-request-complete", deadline.decoded());
        }
        if (tls != null) {
            pipeline.addFirst(ChannelPipelineCustomizer.HANDLER_SSL, tls.context().newHandler(channel.alloc()));
        }
    }
}
