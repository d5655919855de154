package io.raftgres.raft;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto.AppendResult;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a Raft server from acknowledging an append after it voted in a newer term.
 *
 * <p><b>The hole it closes</b> ({@code docs/ratis-deadline-election.md} §4). Ratis accepts an append (term check,
 * silence reset) under the division's monitor but may put its entries into the log only after releasing it, queued
 * behind a previous append that is still being written; a vote request of a newer term can take the monitor in
 * between and compare the candidate's log with a log that lacks those entries. The follower then votes, writes the
 * entries and answers the old leader "success" in the old term. The old leader counts the entries as committed,
 * extends its lease on them, and the new leader, which never had them, truncates them: Raft's leader completeness
 * (every committed entry is in every later leader's log) assumes that an acknowledged entry was stored before any
 * vote of a newer term.
 *
 * <p><b>The rule.</b> A successful reply is sent only if, after the entries were stored, the server's current term
 * is still the append's (the leader's) term. Otherwise the reply becomes {@code NOT_LEADER} with the current term,
 * which makes the old leader step down, as any reply of a newer term does. The term is read holding the division's
 * monitor, under which Ratis compares the candidate's log, changes the term and grants the vote in one piece: if the
 * check reads the append's term, that vote (if any) comes after the check, which is after the entries were in the
 * log, so it compares logs that contain them; if it reads a newer one, nothing is acknowledged. (Read without the
 * monitor, the check could fall between the vote's log comparison and its term change; found in review.) Compared
 * with the append's term rather than the reply's: Ratis builds the reply with the term it had before the append
 * raised it, so a member that learns a new leader's term from its first append would otherwise be refused. The
 * takeover rule that counts from a new leader's last contact ({@code LastContact}) rests on this.
 *
 * <p>Wraps the {@link RaftServer} that the Netty transport dispatches peer calls to ({@link VoteSafeNetty}); every
 * other call passes through unchanged.
 */
final class AppendAckGuard implements InvocationHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AppendAckGuard.class);

    private final RaftServer server;
    private final String member;

    private AppendAckGuard(RaftServer server, String member) {
        this.server = server;
        this.member = member;
    }

    /** {@code server} with every append acknowledgement checked as above; {@code member} names it in logs. */
    static RaftServer wrap(RaftServer server, String member) {
        return (RaftServer) Proxy.newProxyInstance(RaftServer.class.getClassLoader(), new Class<?>[] {RaftServer.class},
                new AppendAckGuard(server, member));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        Object result;
        try {
            result = method.invoke(server, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        if (args == null || args.length != 1 || !(args[0] instanceof AppendEntriesRequestProto request)) {
            return result;
        }
        if (result instanceof AppendEntriesReplyProto reply) {
            return check(request, reply);
        }
        if (result instanceof CompletableFuture<?> future) {
            return future.thenApply(r -> r instanceof AppendEntriesReplyProto reply ? check(request, reply) : r);
        }
        return result;
    }

    /** The reply, or NOT_LEADER in the current term if a vote of a newer term came before this check. */
    AppendEntriesReplyProto check(AppendEntriesRequestProto request, AppendEntriesReplyProto reply) {
        if (reply.getResult() != AppendResult.SUCCESS) {
            return reply;
        }
        long appendTerm = request.getLeaderTerm();
        long current;
        try {
            RaftGroupId group = RaftGroupId.valueOf(request.getServerRequest().getRaftGroupId().getId());
            RaftServer.Division division = server.getDivision(group);
            synchronized (division) {
                current = division.getInfo().getCurrentTerm();
            }
        } catch (java.io.IOException | RuntimeException e) {
            // cannot tell: acknowledge nothing (the leader retries; a closing member needs no acknowledgement)
            return reply.toBuilder().setResult(AppendResult.NOT_LEADER).build();
        }
        if (current <= appendTerm) {
            return reply;
        }
        LOG.info("{}: not acknowledging an append of term {} (up to index {}): this member moved to term {} before the"
                + " entries were stored; answering NOT_LEADER", member, appendTerm, reply.getMatchIndex(), current);
        return reply.toBuilder().setResult(AppendResult.NOT_LEADER).setTerm(current).build();
    }
}
