package io.raftgres.agent;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.raftgres.agent.LocalAgentCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real raftgresctl against three real agents and PostgreSQL 15 servers, through the REST
 * endpoints that exist today: list (pretty, tsv, json), topology, history, show-config, version,
 * edit-config with a scripted EDITOR (applied; and refused with exit 5 when the configuration
 * changed while the editor was open, the concurrent change kept), pause/resume --wait, wrong
 * credentials (exit 4, password not shown) and dead members (skipped when another answers; exit
 * 3 naming the URL when none does).
 *
 * <p>Shown able to fail: on a copy of this build whose EditConfigCommand sent no If-Match header,
 * the concurrent-edit step failed (exit 0: the CLI's PUT replaced the other client's change).
 */
@Tag("postgres")
class RaftgresCtlClusterTest {

    @TempDir
    Path dir;

    @Test
    void readCommandsEditConfigPauseResumeAndErrorsAgainstARealCluster() throws Exception {
        try (LocalAgentCluster cluster = new LocalAgentCluster(dir)) {
            cluster.runShowingLogs(this::run);
        }
    }

    private void run(LocalAgentCluster cluster) throws Exception {
        cluster.startAllHealthy();
        var n1 = cluster.member("n1");
        String c = n1.config().toString();
        await("every member published as running or streaming", Duration.ofSeconds(20),
                () -> CtlRun.of("-c", c, "list").out().split("streaming", -1).length == 3);

        CtlRun list = CtlRun.of("-c", c, "list");
        System.out.println("raftgresctl -c n1/raftgres.yml list\n" + list.out());
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().startsWith("+ Cluster: it ("), list.toString());
        assertTrue(list.out().contains("| Member | Host"), list.toString());
        assertTrue(list.out().contains(" Leader  ") && list.out().contains(" Replica "), list.toString());
        for (var m : cluster.members()) {
            assertTrue(list.out().contains("| " + m.name() + " ") && list.out().contains("127.0.0.1:" + m.pgPort()),
                    list.toString());
        }

        CtlRun json = CtlRun.of("-c", c, "list", "-f", "json");
        assertEquals(0, json.exit(), json.toString());
        assertEquals(3, json.out().split("\"Cluster\" : \"it\"", -1).length - 1, json.toString());
        CtlRun tsv = CtlRun.of("list", "-c", c, "--format", "tsv");
        assertTrue(tsv.out().startsWith("Cluster\tMember\tHost\tRole\tState\tTL\tLag in MB\n"), tsv.toString());

        String leader = cluster.primaries().getFirst().name();
        CtlRun topology = CtlRun.of("-c", c, "topology");
        assertEquals(0, topology.exit(), topology.toString());
        String[] lines = topology.out().split("\n");
        assertTrue(lines[3].startsWith("| " + leader + " "), topology.toString());
        assertTrue(lines[4].startsWith("| + n") && lines[5].startsWith("| + n"), topology.toString());

        CtlRun history = CtlRun.of("-c", c, "history");
        assertEquals(0, history.exit(), history.toString());
        assertTrue(history.out().contains("| TL | LSN | Reason | Timestamp | New Leader |"), history.toString());

        CtlRun show = CtlRun.of("-c", c, "show-config");
        assertEquals(0, show.exit(), show.toString());
        assertTrue(show.out().contains("loop_wait: 1\n") && show.out().contains("  parameters:\n"), show.toString());

        CtlRun version = CtlRun.of("-c", c, "version");
        assertEquals(0, version.exit(), version.toString());
        assertTrue(version.out().startsWith("raftgresctl version "), version.toString());
        for (var m : cluster.members()) {
            assertTrue(version.out().contains(m.name() + ": raftgres 0.1.0 PostgreSQL 15."), version.toString());
        }

        editConfig(cluster, c);
        pauseAndResume(cluster, c);
        errors(cluster, c);
    }

    private void editConfig(LocalAgentCluster cluster, String c) throws Exception {
        Map<String, String> editor = Map.of("EDITOR", "sed -i -e 's/^loop_wait: 1$/loop_wait: 2/'");
        CtlRun edit = CtlRun.of("y\n", editor, "-c", c, "edit-config");
        assertEquals(0, edit.exit(), edit.toString());
        assertTrue(edit.out().contains("-loop_wait: 1\n+loop_wait: 2\n"), edit.toString());
        assertTrue(edit.out().contains("Apply these changes? [y/N]: Configuration changed"), edit.toString());
        await("n3 to serve loop_wait 2", Duration.ofSeconds(10),
                () -> cluster.body(cluster.member("n3"), "/config").contains("\"loop_wait\":2"));

        CtlRun no = CtlRun.of("n\n", Map.of(), "-c", c, "edit-config", "-s", "loop_wait=3");
        assertEquals(1, no.exit(), no.toString());
        assertTrue(no.err().contains("Aborted!"), no.toString());
        assertTrue(cluster.body(cluster.primaries().getFirst(), "/config").contains("\"loop_wait\":2"));

        CtlRun pg = CtlRun.of("-c", c, "edit-config", "-p", "work_mem=9MB", "--force", "-q");
        assertEquals(0, pg.exit(), pg.toString());
        await("n2 to serve work_mem 9MB (a Raft follower applies the change a moment later)", Duration.ofSeconds(10),
                () -> cluster.body(cluster.member("n2"), "/config").contains("\"work_mem\":\"9MB\""));

        // The editor stays open while someone else changes the configuration: the CLI's write must not win.
        Path opened = dir.resolve("editor-opened");
        Path go = dir.resolve("editor-go");
        String script = "touch " + opened + "; i=0; while [ ! -f " + go + " ] && [ $i -lt 300 ]; do sleep 0.1; "
                + "i=$((i+1)); done; sed -i -e 's/^loop_wait: 2$/loop_wait: 4/'";
        CompletableFuture<CtlRun> racing = CompletableFuture.supplyAsync(
                () -> CtlRun.of("y\n", Map.of("EDITOR", script), "-c", c, "edit-config"));
        await("the editor to open", Duration.ofSeconds(20), () -> Files.exists(opened));
        var other = cluster.write(cluster.member("n2"), "PATCH", "/config", "{\"maximum_lag_on_failover\": 2097152}",
                true);
        assertEquals(200, other.statusCode(), other.body());
        Files.createFile(go);
        CtlRun conflict = racing.get(60, TimeUnit.SECONDS);
        assertEquals(5, conflict.exit(), conflict.toString());
        assertTrue(conflict.err().contains("changed while you edited it") && conflict.err().contains("409"),
                conflict.toString());
        String now = cluster.body(cluster.primaries().getFirst(), "/config");
        assertTrue(now.contains("\"maximum_lag_on_failover\":2097152") && now.contains("\"loop_wait\":2"), now);
    }

    private void pauseAndResume(LocalAgentCluster cluster, String c) throws Exception {
        CtlRun pause = CtlRun.of("-c", c, "pause", "--wait");
        assertEquals(0, pause.exit(), pause.toString());
        assertTrue(pause.out().contains("Success: cluster management is paused"), pause.toString());
        for (var m : cluster.members()) {
            assertTrue(cluster.body(m, "/patroni").contains("\"pause\":true"), m.name());
        }
        assertTrue(CtlRun.of("-c", c, "list").out().contains(" Maintenance mode: on\n"));
        CtlRun again = CtlRun.of("-c", c, "pause");
        assertEquals(1, again.exit(), again.toString());
        assertTrue(again.err().contains("Cluster is already paused"), again.toString());

        CtlRun resume = CtlRun.of("-c", c, "resume", "--wait");
        assertEquals(0, resume.exit(), resume.toString());
        assertTrue(resume.out().contains("Success: cluster management is resumed"), resume.toString());
        for (var m : cluster.members()) {
            assertFalse(cluster.body(m, "/patroni").contains("\"pause\":true"), m.name());
        }
        assertFalse(CtlRun.of("-c", c, "list").out().contains("Maintenance mode"));
    }

    private void errors(LocalAgentCluster cluster, String c) throws Exception {
        Path wrong = dir.resolve("wrong.yml");
        Files.writeString(wrong, Files.readString(Path.of(c)).replace(LocalAgentCluster.PASSWORD, "not-the-password"));
        CtlRun denied = CtlRun.of("-c", wrong.toString(), "pause");
        assertEquals(4, denied.exit(), denied.toString());
        assertTrue(denied.err().contains("401") && !denied.err().contains("not-the-password"), denied.toString());
        assertEquals(1, denied.err().strip().lines().count(), denied.toString());
        assertFalse(cluster.body(cluster.member("n1"), "/config").contains("\"pause\""));
        String n2Url = "http://127.0.0.1:" + cluster.member("n2").restPort();
        CtlRun anonymous = CtlRun.of("--url", n2Url, "pause");
        assertEquals(4, anonymous.exit(), anonymous.toString());

        var replica = cluster.members().stream().filter(m -> !cluster.primaries().contains(m)).findFirst().orElseThrow();
        var alive = cluster.members().stream().filter(m -> m != replica).findFirst().orElseThrow();
        cluster.kill(replica);
        String deadUrl = "http://127.0.0.1:" + replica.restPort();
        CtlRun skipped = CtlRun.of("--url", deadUrl, "--url", "http://127.0.0.1:" + alive.restPort(), "list");
        assertEquals(0, skipped.exit(), skipped.toString());
        assertTrue(skipped.out().contains("| " + replica.name() + " "), skipped.toString());
        CtlRun none = CtlRun.of("--url", deadUrl, "list");
        assertEquals(3, none.exit(), none.toString());
        assertEquals("no member answered: " + deadUrl + ": connection refused", none.err().strip(), none.toString());
        CtlRun versions = CtlRun.of("-c", alive.config().toString(), "version");
        assertEquals(0, versions.exit(), versions.toString());
        assertTrue(versions.out().contains(replica.name() + ": failed to get version: " + deadUrl), versions.toString());
    }
}
