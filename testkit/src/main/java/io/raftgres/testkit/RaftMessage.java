package io.raftgres.testkit;

import io.raftgres.statemachine.Command;

/**
 * Messages of the simulated Raft group. AppendEntries carries the leader's whole log as a
 * shared {@link RaftLog.Snapshot} instead of a suffix, which keeps the model small without
 * changing what a follower ends up storing.
 */
sealed interface RaftMessage {

    long term();

    record AppendEntries(long term, String leader, RaftLog.Snapshot log, int leaderCommit, long sendMillis)
            implements RaftMessage {
        @Override
        public String toString() {
            return "AppendEntries(term " + term + ", len " + log.length() + ", commit " + leaderCommit + ")";
        }
    }

    record AppendReply(long term, String from, boolean success, int matchIndex, long sendMillis)
            implements RaftMessage { }

    /** {@code preVote}: asks whether the voter would vote in {@code term} without changing anything. */
    record VoteRequest(long term, String candidate, long lastLogTerm, int lastLogIndex, boolean preVote)
            implements RaftMessage { }

    /** {@code term} is the voter's current term; {@code requestTerm} the term the request asked about. */
    record VoteReply(long term, String from, boolean granted, boolean preVote, long requestTerm)
            implements RaftMessage { }

    /** Leadership transfer: the leader tells the caught-up target to start a forced election. */
    record StartElection(long term, String leader) implements RaftMessage { }

    /** A follower forwards a client command to the leader it knows. */
    record ClientRequest(long term, String from, long requestId, Command command) implements RaftMessage {
        @Override
        public String toString() {
            return "ClientRequest(" + requestId + ", " + command.getClass().getSimpleName() + ")";
        }
    }

    record ClientReply(long term, long requestId, SubmitResult result) implements RaftMessage { }
}
