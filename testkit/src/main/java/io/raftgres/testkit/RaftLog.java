package io.raftgres.testkit;

import io.raftgres.core.model.ClusterState;
import io.raftgres.statemachine.Command;

import java.util.ArrayList;

/**
 * One node's Raft log. Each entry carries the {@link ClusterState} after applying it, computed
 * once by the leader that appended it; apply is deterministic, so that state is the same on
 * every node that holds the same prefix.
 *
 * <p>Logs share their backing lists: a {@link Snapshot} (what an AppendEntries carries) is a
 * list plus a length, and a list is appended to in place only by a log whose length equals the
 * list's size; any other append copies first. So a snapshot never changes once taken, and
 * followers can adopt a leader's entries without copying them.
 *
 * <p>Threading: single-threaded. Indexes are 1-based; index 0 is the empty log.
 */
final class RaftLog {

    /**
     * One entry. {@code command} is null for the leader's no-op at the start of its term.
     * {@code appendedAtMillis} is the leader's clock at append (a lease heartbeat's send time).
     */
    record Entry(long term, Command command, ClusterState stateAfter, boolean accepted, String rejection,
                 long appendedAtMillis) {
        @Override
        public String toString() {
            return "t" + term + ":" + (command == null ? "no-op" : command.getClass().getSimpleName());
        }
    }

    /** An immutable view of a log prefix. */
    record Snapshot(ArrayList<Entry> entries, int length) {
        long lastTerm() {
            return length == 0 ? 0 : entries.get(length - 1).term();
        }

        long termAt(int index) {
            return index == 0 ? 0 : entries.get(index - 1).term();
        }
    }

    private final ClusterState initial;
    private ArrayList<Entry> entries = new ArrayList<>();
    private int length;

    RaftLog(ClusterState initial) {
        this.initial = initial;
    }

    int length() {
        return length;
    }

    Entry entry(int index) {
        if (index < 1 || index > length) {
            throw new IllegalArgumentException("no entry " + index + " in a log of length " + length);
        }
        return entries.get(index - 1);
    }

    long termAt(int index) {
        return index == 0 ? 0 : entry(index).term();
    }

    long lastTerm() {
        return termAt(length);
    }

    /** The state after applying entries 1..index. */
    ClusterState stateAt(int index) {
        return index == 0 ? initial : entry(index).stateAfter();
    }

    Snapshot snapshot() {
        return new Snapshot(entries, length);
    }

    void append(Entry entry) {
        if (entries.size() != length) {
            entries = new ArrayList<>(entries.subList(0, length));
        }
        entries.add(entry);
        length++;
    }

    /**
     * Merges a leader's log prefix as Raft's AppendEntries does: keeps entries that match, drops
     * the conflicting suffix, and takes the leader's entries past it. Returns the number of
     * entries now known to match the leader's (the leader's {@code matchIndex} for this node).
     */
    int mergeFrom(Snapshot leader) {
        int common = Math.min(length, leader.length());
        int match = common;
        if (entries != leader.entries()) {
            while (match > 0 && termAt(match) != leader.termAt(match)) {
                match--;
            }
        }
        if (match < common || leader.length() > length) {
            // Log Matching: equal terms at an index mean equal prefixes, so the leader's list can be shared.
            entries = leader.entries();
            length = leader.length();
        }
        return leader.length();
    }

    /** Raft's up-to-date check for votes: is a log ending at (lastTerm, lastIndex) at least as new as mine? */
    boolean isAtMostAsNewAs(long lastTerm, int lastIndex) {
        return lastTerm > lastTerm() || lastTerm == lastTerm() && lastIndex >= length;
    }
}
