package io.raftgres.statemachine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.Lsn;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 item 11: a rolling upgrade. Three replicas apply the same log; n1 and n2 run this
 * build, n3 an older one, modelled as this build's decoder without the command types added at
 * level 2 (an older decoder rejects unknown types, and the Ratis adapter then rejects the entry)
 * and a record that advertises no feature level. Every replica must end every entry in the same
 * state, byte for byte.
 *
 * <p>n3's apply is this build's at level 1; that level 1 keeps the rules of builds before
 * feature levels is pinned by {@code ClusterStateMachineTest.belowLevelTwoApplyKeepsTheRulesOfOlderBuilds}.
 *
 * <p>Shown to fail twice: with SetFeatureLevel's member check removed from apply, the new
 * replicas raise the level while n3 rejects the unknown command (both tests fail on the
 * SetFeatureLevel entry); with the PublishMember term check applied below level 2 too, the
 * rolling-upgrade test fails on the stale record that older builds accept.
 */
class MixedVersionClusterTest {

    /** One replica: what it can decode, and its state. */
    private static final class Replica {
        final boolean oldBuild;
        ClusterState state = ClusterState.empty("demo");

        Replica(boolean oldBuild) {
            this.oldBuild = oldBuild;
        }

        ApplyResult apply(Command command, long entryTerm) {
            Command decoded = CommandCodec.decode(CommandCodec.encode(command));
            if (oldBuild && decoded instanceof Command.SetFeatureLevel) {
                return ApplyResult.rejected(state, "unknown command type 'SetFeatureLevel'");
            }
            ApplyResult r = ClusterStateMachine.apply(state, decoded, entryTerm);
            state = r.state();
            return r;
        }
    }

    private final List<Replica> replicas = List.of(new Replica(false), new Replica(false), new Replica(true));

    private ApplyResult append(Command command, long entryTerm) {
        return append(replicas, command, entryTerm);
    }

    @Test
    void aRollingUpgradeKeepsEveryReplicaEqual() {
        // n3 still runs the old build: its record advertises no level.
        append(new Command.PublishMember("n1", 1, CommandSamples.member("n1", 1, Lsn.ZERO, 2)), 1);
        append(new Command.PublishMember("n2", 1, CommandSamples.member("n2", 1, Lsn.ZERO, 2)), 1);
        append(new Command.PublishMember("n3", 1, CommandSamples.member("n3", 1, Lsn.ZERO)), 1);
        assertFalse(append(new Command.SetFeatureLevel("n1", 1, 2), 1).accepted(), "n3 cannot read level 2");
        assertTrue(append(new Command.PublishMember("n2", 1, CommandSamples.member("n2", 1, Lsn.ZERO, 2)), 2)
                .accepted(), "level 1: a record from an older term is accepted, as older builds do");
        append(new Command.ClaimInitialize("n1", 2), 2);
        append(new Command.CompleteInitialize("n1", 2, "111"), 2);
        assertNull(replicas.getFirst().state.initializer(), "level 1: the claim ends with the system id");

        // n3 is upgraded (from here on it reads every command) and republishes.
        Replica upgraded = new Replica(false);
        upgraded.state = replicas.get(2).state;
        List<Replica> after = List.of(replicas.get(0), replicas.get(1), upgraded);
        append(after, new Command.PublishMember("n3", 3, CommandSamples.member("n3", 1, Lsn.ZERO, 2)), 3);
        assertTrue(append(after, new Command.SetFeatureLevel("n1", 3, 2), 3).accepted());
        assertEquals(FeatureLevel.STRICT_APPLY, upgraded.state.featureLevel());
        assertFalse(append(after, new Command.PublishMember("n2", 3, CommandSamples.member("n2", 1, Lsn.ZERO, 2)), 4)
                .accepted(), "level 2: a record from an older term is refused everywhere");
    }

    /**
     * Seeded random logs over three members, with n3 on the old build throughout: the new
     * replicas and the old one agree on every entry. n3's record is never removed here: a running
     * member republishes it within 10 s, and the leader raises the level only when every member
     * of the Raft group has a current record (HaDecider).
     */
    @Test
    void randomLogsWithAnOldReplicaNeverDiverge() {
        for (long seed = 1; seed <= 20; seed++) {
            replicas.forEach(r -> r.state = ClusterState.empty("demo"));
            Random rnd = new Random(seed);
            append(new Command.PublishMember("n3", 1, CommandSamples.member("n3", 1, Lsn.ZERO)), 1);
            for (int i = 0; i < 400; i++) {
                Command c = CommandSamples.random(rnd);
                boolean touchesOldMember = c instanceof Command.RemoveMember rm && rm.name().equals("n3")
                        || c instanceof Command.PublishMember pm && pm.record().name().equals("n3");
                if (touchesOldMember) {
                    continue;
                }
                long entryTerm = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(4) : c.term();
                append(c, entryTerm);
            }
            assertEquals(FeatureLevel.BASELINE, replicas.getFirst().state.featureLevel(), "seed " + seed);
        }
    }

    /** Appends one entry on every replica of {@code group}; all must agree on outcome and state. */
    private static ApplyResult append(List<Replica> group, Command command, long entryTerm) {
        List<ApplyResult> results = new ArrayList<>();
        for (Replica r : group) {
            results.add(r.apply(command, entryTerm));
        }
        for (ApplyResult r : results) {
            assertEquals(results.getFirst().accepted(), r.accepted(), command + ": " + results);
        }
        byte[] first = StateCodec.encode(group.getFirst().state, entryTerm, 0);
        for (Replica r : group) {
            assertArrayEquals(first, StateCodec.encode(r.state, entryTerm, 0), "replicas diverged after " + command);
        }
        return results.getFirst();
    }
}
