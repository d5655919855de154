package io.raftgres.ctl;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** restart, reload, reinit and flush: member selection, prompts, bodies and per-member results. */
class MemberActionsTest {

    private FakeRestApi api;

    @BeforeEach
    void start() throws Exception {
        api = new FakeRestApi().cluster("");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void restartAsksWhenAndConfirmsThenPostsToEachChosenMember() {
        api.reply("POST /restart", 200, "restarted successfully");
        Run r = Run.of("\ny\n", "--url", api.url(), "restart", "demo", "n2", "n3", "--pending");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("When should the restart take place (e.g. "), r.toString());
        assertTrue(r.out().contains("Are you sure you want to restart members n2, n3? [y/N]: "), r.toString());
        assertTrue(r.out().contains("Success: restart on member n2\nSuccess: restart on member n3\n"), r.toString());
        assertEquals(2, api.writes().size());
        assertEquals("{\"restart_pending\":true}", api.writes().getFirst().body().replaceAll("\\s", ""));
    }

    @Test
    void restartByRoleScheduledAndItsFailures() {
        api.reply("POST /restart", 202, "Restart scheduled");
        Run r = Run.of("", "--url", api.url(), "restart", "demo", "--role", "replica", "--scheduled",
                "2030-01-02T03:04Z", "--force");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("Success: restart scheduled on member n2"), r.toString());
        assertEquals(2, api.writes().size());
        assertEquals("{\"schedule\":\"2030-01-02T03:04:00Z\"}", api.writes().getFirst().body().replaceAll("\\s", ""));

        api.reply("POST /restart", 409, "Another restart is already scheduled");
        Run busy = Run.of("", "--url", api.url(), "restart", "demo", "n1", "--force");
        assertEquals(5, busy.exit(), busy.toString());
        assertTrue(busy.out().contains("Failed: another restart is already scheduled on member n1"), busy.toString());
        api.reply("POST /restart", 503, "restart conditions are not satisfied");
        Run refused = Run.of("", "--url", api.url(), "restart", "demo", "n1", "--force");
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.out().contains("Failed: restart for member n1, status code=503, (restart conditions are not "
                + "satisfied)"), refused.toString());
        Run unknown = Run.of("", "--url", api.url(), "restart", "demo", "n7", "--force");
        assertEquals(2, unknown.exit(), unknown.toString());
        Run badRole = Run.of("", "--url", api.url(), "restart", "demo", "--role", "boss", "--force");
        assertEquals(2, badRole.exit(), badRole.toString());
    }

    @Test
    void reloadAndReinit() {
        api.reply("POST /reload", 202, "reload scheduled");
        Run reload = Run.of("y\n", "--url", api.url(), "reload", "demo", "n1");
        assertEquals(0, reload.exit(), reload.toString());
        assertTrue(reload.out().contains("Reload request received for member n1"), reload.toString());

        api.reply("POST /reload", 405, "{\"message\":\"Method Not Allowed\",\"_embedded\":{\"errors\":[{\"message\":"
                + "\"Method [POST] not allowed for URI [/reload]\"}]}}");
        Run missing = Run.of("", "--url", api.url(), "reload", "demo", "n1", "--force");
        assertEquals(1, missing.exit(), missing.toString());
        assertTrue(missing.out().contains("Failed: reload for member n1, status code=405, (Method [POST] not allowed for "
                + "URI [/reload])"), missing.toString());

        api.reply("POST /reinitialize", 503, "restart already in progress");
        Run busy = Run.of("", "--url", api.url(), "reinit", "demo", "n2", "--force", "--from-leader");
        assertEquals(1, busy.exit(), busy.toString());
        var sent = api.writes().stream().filter(w -> w.path().equals("/reinitialize")).toList();
        assertEquals(2, sent.size(), "--force asks again with force: true");
        assertEquals("{\"force\": false, \"from_leader\": true}", sent.get(0).body());
        assertEquals("{\"force\": true, \"from_leader\": true}", sent.get(1).body());
        Run noMember = Run.of("", "--url", api.url(), "reinit", "demo");
        assertEquals(2, noMember.exit(), noMember.toString());
    }

    @Test
    void flushCancelsScheduledRestartsAndTheScheduledSwitchover() {
        api.reply("DELETE /switchover", 404, "no switchover is scheduled");
        Run none = Run.of("", "--url", api.url(), "flush", "demo", "switchover");
        assertEquals(0, none.exit(), none.toString());
        assertTrue(none.out().contains("No pending scheduled switchover"), none.toString());
        api.reply("DELETE /switchover", 200, "scheduled switchover deleted");
        Run flushed = Run.of("", "--url", api.url(), "flush", "demo", "switchover");
        assertTrue(flushed.out().contains("Success: scheduled switchover deleted"), flushed.toString());

        Run noRestarts = Run.of("", "--url", api.url(), "flush", "demo", "restart", "--force");
        assertEquals(0, noRestarts.exit(), noRestarts.toString());
        assertTrue(noRestarts.out().contains("No scheduled restart for member n1"), noRestarts.toString());
        assertEquals(2, api.writes().size(), "no DELETE /restart without a scheduled restart");
        Run bad = Run.of("", "--url", api.url(), "flush", "demo", "everything");
        assertEquals(2, bad.exit(), bad.toString());
    }
}
