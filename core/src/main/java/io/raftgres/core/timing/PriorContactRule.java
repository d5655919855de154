package io.raftgres.core.timing;

import java.util.OptionalLong;

/**
 * Whether a new Raft leader's last contact with any leader before its campaign bounds every lease of an
 * earlier term ({@code RaftView.takeoverFromMillis}). Pure: the raft module and the simulation's Raft model
 * pass what their log says.
 *
 * <p><b>The argument.</b> A lease grows only when a majority stored one of its leader's heartbeats, so that
 * entry is committed and, by Raft's leader completeness, in the log of every later leader. A follower
 * receives entries only from a leader, and its silence restarts at each of them, so every entry in its log
 * when it campaigned arrived at or before the last contact measured then (no append may be in progress when
 * it campaigns). If at leadership the entry that was last at the campaign is still there, at the same index
 * and term (equal index and term mean an equal prefix), and only entries of the leader's own term follow it,
 * nothing arrived since. A heartbeat is sent before it arrives: every earlier lease was granted by a
 * heartbeat sent by that contact. It rests only on the log, so it holds whether the leader won that campaign
 * or a later forced one.
 */
public final class PriorContactRule {

    private PriorContactRule() {
    }

    /**
     * @param campaignLastTerm  term of the last log entry when this member campaigned (-1: empty log)
     * @param campaignLastIndex index of that entry
     * @param termThereNow      the term of the entry at that index now, or -1 when absent (purged, truncated)
     * @param termAfterNow      the term of the entry after it now, or -1 when there is none
     * @param leaderTerm        the term this member now leads
     * @param contactMillis     its last contact with any leader, measured when it campaigned
     * @return {@code contactMillis} when it bounds every earlier lease, else empty
     */
    public static OptionalLong proven(long campaignLastTerm, long campaignLastIndex, long termThereNow,
                                      long termAfterNow, long leaderTerm, long contactMillis) {
        boolean campaignedEarlier = campaignLastTerm >= 0 && campaignLastTerm < leaderTerm;
        boolean entryInPlace = termThereNow == campaignLastTerm && campaignLastIndex >= 0;
        boolean onlyOwnAfter = termAfterNow == -1 || termAfterNow == leaderTerm;
        return campaignedEarlier && entryInPlace && onlyOwnAfter ? OptionalLong.of(contactMillis) : OptionalLong.empty();
    }
}
