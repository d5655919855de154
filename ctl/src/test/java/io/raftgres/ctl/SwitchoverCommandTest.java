package io.raftgres.ctl;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * switchover and failover: prompts answered through stdin, their defaults, the checks made
 * before anything is sent, and the body sent in Patroni's contract, against {@link FakeRestApi}.
 */
class SwitchoverCommandTest {

    private FakeRestApi api;

    @BeforeEach
    void start() throws Exception {
        api = new FakeRestApi().cluster("");
        api.reply("POST /switchover", 200, "Successfully switched over to \"n2\"");
        api.reply("POST /failover", 200, "Successfully failed over to \"n3\"");
        api.reply("GET /patroni", 200, "{\"database_system_identifier\": \"7441\"}");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void promptsOfferTheLeaderAndTheOtherMembersAndSendWhatWasAnswered() {
        Run r = Run.of("\nn2\n\ny\n", "--url", api.url(), "switchover");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("Primary [n1]: Candidate [n2, n3] []: When should the switchover take place (e.g. "),
                r.toString());
        assertTrue(r.out().contains("Are you sure you want to switchover cluster demo, demoting current leader n1? [y/N]: "),
                r.toString());
        // The topology shown before the question has list's title (it said "uninitialized" before).
        assertTrue(r.out().contains("+ Cluster: demo (7441) "), r.toString());
        assertTrue(r.out().contains("Successfully switched over to \"n2\""), r.toString());
        assertEquals(1, api.writes().size());
        assertEquals("{\"leader\":\"n1\",\"candidate\":\"n2\"}", api.writes().getFirst().body().replaceAll("\\s", ""));
    }

    @Test
    void aNoOrEndOfInputSendsNothing() {
        Run no = Run.of("\n\n\nn\n", "--url", api.url(), "switchover");
        assertEquals(1, no.exit(), no.toString());
        assertTrue(no.err().contains("Aborted!"));
        Run eof = Run.of("\n", "--url", api.url(), "switchover");
        assertEquals(1, eof.exit(), eof.toString());
        assertTrue(api.writes().isEmpty());
    }

    @Test
    void forceTakesTheCurrentLeaderAnyCandidateAndNow() {
        Run r = Run.of("", "--url", api.url(), "switchover", "--force");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("{\"leader\":\"n1\"}", api.writes().getFirst().body().replaceAll("\\s", ""));
    }

    @Test
    void aScheduledSwitchoverCarriesAnExplicitOffset() {
        Run r = Run.of("", "--url", api.url(), "switchover", "--force", "--candidate", "n3",
                "--scheduled", "2030-01-02T03:04+01:00");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("{\"leader\":\"n1\",\"candidate\":\"n3\",\"scheduled_at\":\"2030-01-02T03:04:00+01:00\"}",
                api.writes().getFirst().body().replaceAll("\\s", ""));
    }

    @Test
    void wrongLeaderSameCandidateUnknownMemberAndBadTimesAreRefusedBeforeSending() {
        Run wrongLeader = Run.of("", "--url", api.url(), "switchover", "--force", "--leader", "n2");
        assertEquals(1, wrongLeader.exit());
        assertTrue(wrongLeader.err().contains("Member n2 is not the leader of cluster demo"), wrongLeader.toString());
        Run same = Run.of("", "--url", api.url(), "switchover", "--force", "--candidate", "n1");
        assertTrue(same.err().contains("Switchover target and source are the same"), same.toString());
        Run unknown = Run.of("", "--url", api.url(), "switchover", "--force", "--candidate", "n9");
        assertTrue(unknown.err().contains("Member n9 does not exist in cluster demo"), unknown.toString());
        Run badTime = Run.of("", "--url", api.url(), "switchover", "--force", "--scheduled", "tomorrow");
        assertEquals(2, badTime.exit(), badTime.toString());
        Run otherCluster = Run.of("", "--url", api.url(), "switchover", "prod", "--force");
        assertEquals(2, otherCluster.exit(), otherCluster.toString());
        assertTrue(api.writes().isEmpty());
    }

    @Test
    void inMaintenanceModeASwitchoverNeedsACandidateAndCannotBeScheduled() {
        api.cluster(", \"pause\": true");
        Run anyone = Run.of("", "--url", api.url(), "switchover", "--force");
        assertTrue(anyone.err().contains("only to a specific candidate in a paused state"), anyone.toString());
        Run later = Run.of("", "--url", api.url(), "switchover", "--force", "--candidate", "n2", "--scheduled",
                "2030-01-02T03:04Z");
        assertTrue(later.err().contains("Can't schedule switchover in the paused state"), later.toString());
        assertTrue(api.writes().isEmpty());
    }

    @Test
    void preconditionFailedIsExitFiveWithTheServersReason() {
        api.reply("POST /switchover", 412, "candidate name does not match with sync_standby");
        Run r = Run.of("", "--url", api.url(), "switchover", "--force", "--candidate", "n2");
        assertEquals(5, r.exit(), r.toString());
        assertEquals(api.url() + ": POST /switchover -> 412: candidate name does not match with sync_standby",
                r.err().strip());
    }

    @Test
    void failoverAsksForACandidateAndNeedsOneWithForce() {
        Run asked = Run.of("n3\ny\n", "--url", api.url(), "failover");
        assertEquals(0, asked.exit(), asked.toString());
        assertTrue(asked.out().contains("Candidate [n2, n3] []: "), asked.toString());
        assertTrue(asked.out().contains("Are you sure you want to failover cluster demo, demoting current leader n1?"));
        assertEquals("{\"candidate\":\"n3\"}", api.writes().getFirst().body().replaceAll("\\s", ""));

        Run forced = Run.of("", "--url", api.url(), "failover", "--force");
        assertEquals(2, forced.exit(), forced.toString());
        assertTrue(forced.err().contains("Failover could be performed only to a specific candidate"));
        Run scheduled = Run.of("", "--url", api.url(), "failover", "--force", "--candidate", "n2", "--scheduled",
                "2030-01-02T03:04Z");
        assertEquals(2, scheduled.exit(), scheduled.toString());
        Run leader = Run.of("", "--url", api.url(), "failover", "--force", "--candidate", "n1");
        assertTrue(leader.err().contains("Member n1 is already the leader of cluster demo"), leader.toString());
        assertEquals(1, api.writes().size());
    }
}
