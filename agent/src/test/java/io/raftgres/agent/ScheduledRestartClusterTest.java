package io.raftgres.agent;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import static io.raftgres.agent.LocalAgentCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scheduled restart end to end on three real members: {@code POST /restart} with a schedule 15 s
 * ahead on a replica answers 202 and shows in its {@code /patroni} and every member's
 * {@code /cluster}; a second one is 409; the replica's agent is killed and started again before the
 * time, and still restarts PostgreSQL after the time (the postmaster start time changes, not
 * before the time), then the schedule is gone and {@code DELETE /restart} is 404. Shown to fail:
 * with the HA loop's {@code scheduledRestarts.evaluate} call removed the postmaster start time
 * never changes (the await times out).
 */
@Tag("postgres")
class ScheduledRestartClusterTest {

    private static final String SCHEDULED = "\"scheduled_restart\":{\"schedule\"";

    @TempDir
    Path dir;

    @Test
    void aScheduledRestartSurvivesAnAgentRestartAndHappensWhenDue() throws Exception {
        try (LocalAgentCluster cluster = new LocalAgentCluster(dir)) {
            cluster.runShowingLogs(this::run);
        }
    }

    private void run(LocalAgentCluster cluster) throws Exception {
        cluster.startAllHealthy();
        var primary = cluster.primaries().getFirst();
        var replica = cluster.members().stream().filter(m -> m != primary).findFirst().orElseThrow();

        OffsetDateTime due = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(15).truncatedTo(ChronoUnit.SECONDS);
        String body = "{\"schedule\": \"" + due + "\", \"role\": \"replica\"}";
        HttpResponse<String> r = cluster.write(replica, "POST", "/restart", body, true);
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("Restart scheduled", r.body());
        assertTrue(cluster.body(replica, "/patroni").contains(SCHEDULED), cluster.body(replica, "/patroni"));
        r = cluster.write(replica, "POST", "/restart", body, true);
        assertEquals(409, r.statusCode(), r.body());
        assertEquals("Another restart is already scheduled", r.body());

        cluster.killAgent(replica);
        cluster.start(replica);
        for (var m : cluster.members()) {
            await(m.name() + " to show the scheduled restart", Duration.ofSeconds(10),
                    () -> cluster.body(m, "/cluster").contains(SCHEDULED));
        }
        await(replica.name() + " to stream again after its agent restart", Duration.ofSeconds(30),
                () -> cluster.isStreaming(replica));
        String startBefore = cluster.queryOne(replica, "select pg_postmaster_start_time()");
        long untilDue = Duration.between(OffsetDateTime.now(ZoneOffset.UTC), due).toMillis();
        assertTrue(untilDue > 0, "the agent restart took until after the schedule; the test proves nothing");
        Thread.sleep(Math.max(0, untilDue - 1000));
        assertEquals(startBefore, cluster.queryOne(replica, "select pg_postmaster_start_time()"),
                "no restart before the time");
        assertTrue(cluster.body(replica, "/patroni").contains(SCHEDULED), "still scheduled just before the time");

        long dueAt = System.nanoTime();
        await(replica.name() + " to restart PostgreSQL after the time", Duration.ofSeconds(40), () -> {
            String now = cluster.queryOne(replica, "select pg_postmaster_start_time()");
            return now != null && !now.equals(startBefore);
        });
        System.out.printf("scheduled restart carried out %.1f s after the time (within loop_wait)%n",
                (System.nanoTime() - dueAt) / 1e9 - 1);
        await("the schedule to leave the replicated state", Duration.ofSeconds(20),
                () -> !cluster.body(primary, "/cluster").contains("scheduled_restart"));
        assertFalse(cluster.body(replica, "/patroni").contains("scheduled_restart"));
        await(replica.name() + " to stream again after the restart", Duration.ofSeconds(30),
                () -> cluster.isStreaming(replica));
        assertEquals(1, cluster.primaries().size());
        assertEquals(primary, cluster.primaries().getFirst(), "a replica's restart moves no primary");
        r = cluster.write(replica, "DELETE", "/restart", "", true);
        assertEquals(404, r.statusCode(), r.body());
        assertEquals("no restarts are scheduled", r.body());
        assertNotEquals(202, cluster.write(replica, "POST", "/restart", "{\"schedule\": \"2001-01-01T00:00:00Z\"}",
                true).statusCode(), "a time in the past is refused");
    }
}
