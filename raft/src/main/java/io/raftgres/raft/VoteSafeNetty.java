package io.raftgres.raft;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.netty.NettyFactory;
import org.apache.ratis.netty.server.NettyRpcService;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;

/**
 * Ratis' Netty transport with {@link AppendAckGuard} between the network and the server. Ratis instantiates an
 * {@link RpcType} named by its class name ({@code raft.rpc.type}), so this class needs a public no-argument
 * constructor; the member's name for log lines travels in the server's {@link Parameters}.
 */
public final class VoteSafeNetty implements RpcType {

    /** The {@link Parameters} key under which {@link RatisWiring} puts the member's name. */
    static final String MEMBER = "raftgres.member";

    public VoteSafeNetty() {
        // created by Ratis from raft.rpc.type
    }

    @Override
    public String name() {
        return VoteSafeNetty.class.getName();
    }

    @Override
    public RpcFactory newFactory(Parameters parameters) {
        return new Factory(parameters);
    }

    /** The Netty factory, whose server-side service dispatches to the guarded server. */
    private static final class Factory extends NettyFactory {
        private final String member;

        Factory(Parameters parameters) {
            super(parameters);
            String name = parameters == null ? null : parameters.get(MEMBER, String.class);
            this.member = name == null ? "raft" : name;
        }

        @Override
        public NettyRpcService newRaftServerRpc(RaftServer server) {
            return NettyRpcService.newBuilder().setServer(AppendAckGuard.wrap(server, member)).build();
        }
    }
}
