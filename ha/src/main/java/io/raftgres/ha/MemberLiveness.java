package io.raftgres.ha;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.MemberRecord;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which members have gone silent: their published record has not changed for longer than the
 * member TTL, by this agent's monotonic clock (wall clocks of different hosts are not
 * compared). A live agent republishes at least every {@link MemberPublisher#REFRESH_MILLIS},
 * and within a few loops after any change, so
 * {@code TTL = REFRESH_MILLIS + 3 x loop_wait + election_timeout_max} (15.5 s with the
 * defaults) is missed only by a member whose agent is dead, frozen or cut off. After this agent
 * starts, every record counts as fresh for one TTL. Thread-safe: the HA loop and REST threads
 * both ask.
 */
public final class MemberLiveness {

    private record Seen(long term, long updatedAtMillis, long sinceMonotonicMillis) { }

    private final long electionTimeoutMaxMillis;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    public MemberLiveness(long electionTimeoutMaxMillis) {
        this.electionTimeoutMaxMillis = electionTimeoutMaxMillis;
    }

    /** The member TTL for the given loop_wait, in milliseconds. */
    public long ttlMillis(long loopWaitMillis) {
        return MemberPublisher.REFRESH_MILLIS + 3 * loopWaitMillis + electionTimeoutMaxMillis;
    }

    /** Names of members in {@code state} whose record did not change within the TTL, as of {@code nowMillis}. */
    public Set<String> silent(ClusterState state, long nowMillis) {
        long ttl = ttlMillis(state.config().loopWaitMillis());
        Set<String> out = new TreeSet<>();
        seen.keySet().retainAll(state.members().keySet());
        for (MemberRecord m : state.members().values()) {
            Seen s = seen.compute(m.name(), (name, old) ->
                    old != null && old.term() == m.term() && old.updatedAtMillis() == m.updatedAtMillis() ? old
                            : new Seen(m.term(), m.updatedAtMillis(), nowMillis));
            if (nowMillis - s.sinceMonotonicMillis() > ttl) {
                out.add(m.name());
            }
        }
        return out;
    }
}
