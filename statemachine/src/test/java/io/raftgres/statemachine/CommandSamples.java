package io.raftgres.statemachine;

import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.PgRole;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Sample and seeded-random commands for the statemachine tests. */
final class CommandSamples {

    static final List<String> MEMBERS = List.of("n1", "n2", "n3");

    private CommandSamples() {
    }

    static MemberRecord member(String name, long timeline, Lsn lsn) {
        return new MemberRecord(name, "http://127.0.0.1:8008/" + name, "127.0.0.1:501" + name.charAt(1),
                "127.0.0.1", 5433, PgRole.REPLICA, "running", timeline, lsn, lsn, true,
                new MemberTags(false, 2, false, true, Map.of("zone", "a", "rack", "r1")), true, false,
                "0.1.0", 0, 1_700_000_000_000L);
    }

    /** A record from a build that supports feature levels up to {@code maxLevel}. */
    static MemberRecord member(String name, long timeline, Lsn lsn, int maxLevel) {
        return member(name, timeline, lsn).withMaxFeatureLevel(maxLevel);
    }

    static DynamicConfig config(long loopWait) {
        return new DynamicConfig(loopWait, 1 << 20, 300_000, true, false,
                Map.of("max_connections", "100", "wal_level", "replica"), 0);
    }

    /** One command of every type, with every optional field filled. */
    static List<Command> oneOfEach() {
        return List.of(
                new Command.ClaimInitialize("n1", 1),
                new Command.CompleteInitialize("n1", 1, "7291234567890123456"),
                new Command.AbortInitialize("n1", 1),
                new Command.ClaimLeader("n1", 3, 2, Lsn.parse("0/3000060")),
                new Command.LeaseHeartbeat("n1", 3),
                new Command.RecordTimelineSwitch("n1", 3, 3, Lsn.parse("1/FF000028"), "failover", 1_700_000_000_123L),
                new Command.PublishMember("n2", 3, member("n2", 2, Lsn.parse("A/B")).withUpstream("n1")),
                new Command.RemoveMember("n2", 3, "n3"),
                new Command.SetConfig("n2", 3, config(2000).withSync(new io.raftgres.core.model.SyncSettings(
                        io.raftgres.core.model.SyncMode.QUORUM, true, 2)), 4),
                new Command.SeedConfig("n1", 1, config(1000)),
                new Command.SetFeatureLevel("n1", 3, 2),
                new Command.RequestSwitchover("n3", 3, "n1", "n2", 1_700_000_100_000L, 1_700_000_000_000L),
                new Command.CancelSwitchover("n3", 3),
                new Command.BeginHandover("n1", 3, "n2", Lsn.parse("0/5000028"), 2, 1_700_000_000_500L),
                new Command.AbandonSwitchover("n2", 4, "n2 did not receive the shutdown checkpoint"),
                new Command.SetSyncState("n1", 3, new io.raftgres.core.model.SyncState("n1", 3,
                        io.raftgres.core.model.SyncMode.ON, List.of("n2"), 1)),
                new Command.ScheduleRestart("n2", 3, scheduledRestart()),
                new Command.CancelRestart("n2", 3, 1_700_000_000_000L));
    }

    /** A scheduled restart with every condition set. */
    static io.raftgres.core.model.ScheduledRestart scheduledRestart() {
        return new io.raftgres.core.model.ScheduledRestart(1_700_000_600_000L, true, PgRole.REPLICA, 150004, 30,
                1_700_000_000_000L);
    }

    /**
     * A random command from a small universe (three members, terms 1..4) so that accepted
     * and rejected commands both occur often.
     */
    static Command random(Random rnd) {
        String member = MEMBERS.get(rnd.nextInt(MEMBERS.size()));
        long term = 1 + rnd.nextInt(4);
        Lsn lsn = new Lsn(rnd.nextInt(1 << 20) * 8L);
        return switch (rnd.nextInt(11)) {
            case 0 -> new Command.ClaimInitialize(member, term);
            case 1 -> new Command.CompleteInitialize(member, term, rnd.nextBoolean() ? "sys-" + term : " ");
            case 2 -> new Command.AbortInitialize(member, term);
            case 3 -> new Command.ClaimLeader(member, term, 1 + rnd.nextInt(3), lsn);
            case 4 -> new Command.LeaseHeartbeat(member, term);
            case 5 -> new Command.RecordTimelineSwitch(member, term, 1 + rnd.nextInt(5), lsn, "promote", rnd.nextLong());
            case 6 -> new Command.PublishMember(member, term,
                    member(rnd.nextInt(5) == 0 ? "n9" : member, rnd.nextInt(4), lsn, 1 + rnd.nextInt(2)));
            case 9 -> new Command.SetFeatureLevel(member, term, 1 + rnd.nextInt(3));
            case 7 -> new Command.RemoveMember(member, term, MEMBERS.get(rnd.nextInt(MEMBERS.size())));
            case 8 -> new Command.SetConfig(member, term, config(500 + rnd.nextInt(5) * 100), rnd.nextInt(4) - 1);
            default -> new Command.SeedConfig(member, term, config(1000));
        };
    }
}
