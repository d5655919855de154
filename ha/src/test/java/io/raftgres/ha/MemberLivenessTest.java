package io.raftgres.ha;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.PgRole;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The member TTL: silent when the record did not change for longer, by the local clock. */
class MemberLivenessTest {

    private static MemberRecord record(String name, long updatedAt) {
        return new MemberRecord(name, "http://x", name + ":1", "h", 5432, PgRole.REPLICA, "running", 1, Lsn.ZERO,
                Lsn.ZERO, true, MemberTags.DEFAULT, false, false, "v", 3, updatedAt);
    }

    @Test
    void aMemberIsSilentOnlyAfterItsRecordStayedUnchangedForTheTtl() {
        MemberLiveness liveness = new MemberLiveness(2500);
        long ttl = liveness.ttlMillis(1000);
        assertEquals(MemberPublisher.REFRESH_MILLIS + 3000 + 2500, ttl);
        ClusterState s = ClusterState.empty("c").withMember(record("n1", 100)).withMember(record("n2", 100));
        assertEquals(Set.of(), liveness.silent(s, 0), "every record counts as fresh when first seen");
        assertEquals(Set.of(), liveness.silent(s, ttl));
        ClusterState republished = s.withMember(record("n1", 100 + ttl));
        assertEquals(Set.of("n2"), liveness.silent(republished, ttl + 1));
        assertEquals(Set.of("n2"), liveness.silent(republished.withoutMember("n1"), ttl + 1));
        assertEquals(Set.of(), liveness.silent(republished.withMember(record("n2", 999_999)), ttl + 2),
                "a new record makes it fresh again");
    }
}
