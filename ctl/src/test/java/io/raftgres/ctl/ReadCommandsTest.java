package io.raftgres.ctl;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** list's table and footer, the output formats, error lines and exit codes, credentials from -c. */
class ReadCommandsTest {

    private FakeRestApi api;

    @BeforeEach
    void start() throws Exception {
        api = new FakeRestApi().cluster(", \"pause\": true, \"scheduled_switchover\": {\"at\": \"2030-01-02T03:04:00+00:00\", "
                + "\"from\": \"n1\", \"to\": \"n2\"}");
        api.reply("GET /patroni", 200, "{\"database_system_identifier\": \"7441\", \"server_version\": 150004, "
                + "\"patroni\": {\"version\": \"0.1.0\"}}");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void listPrintsPatronictlsTableAndFooter() {
        Run r = Run.of("", "--url", api.url(), "list");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("""
                + Cluster: demo (7441) ---+---------+-----------+----+-----------+-----------------+--------------------+
                | Member | Host           | Role    | State     | TL | Lag in MB | Pending restart | Tags               |
                +--------+----------------+---------+-----------+----+-----------+-----------------+--------------------+
                | n1     | 127.0.0.1:5433 | Leader  | running   |  2 |           |                 |                    |
                | n2     | 127.0.0.1:5434 | Replica | streaming |  2 |         3 |                 |                    |
                | n3     | 127.0.0.1:5435 | Replica | streaming |  2 |         0 | *               | {nofailover: true} |
                +--------+----------------+---------+-----------+----+-----------+-----------------+--------------------+
                 Maintenance mode: on
                 Switchover scheduled at: 2030-01-02T03:04:00+00:00
                                    from: n1
                                      to: n2
                """, r.out());
    }

    @Test
    void otherFormatsCarryTheClusterColumn() {
        Run tsv = Run.of("", "--url", api.url(), "list", "-f", "tsv");
        assertTrue(tsv.out().startsWith("Cluster\tMember\tHost\tRole\tState\tTL\tLag in MB\tPending restart\tTags\n"
                + "demo\tn1\t127.0.0.1:5433\tLeader\trunning\t2\t\t\t\n"), tsv.toString());
        Run yaml = Run.of("", "--url", api.url(), "list", "--format", "YAML");
        assertTrue(yaml.out().startsWith("- Cluster: demo\n  Member: n1\n"), yaml.toString());
        Run json = Run.of("", "--url", api.url(), "list", "-f", "json");
        assertTrue(json.out().contains("\"Tags\" : {\n    \"nofailover\" : true"), json.toString());
        Run topology = Run.of("", "--url", api.url(), "topology");
        assertTrue(topology.out().contains("| + n2   |"), topology.toString());
        Run bad = Run.of("", "--url", api.url(), "list", "-f", "xml");
        assertEquals(2, bad.exit(), bad.toString());
    }

    @Test
    void watchRefreshesUntilInterrupted() throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        Terminal term = new Terminal(new java.io.BufferedReader(new java.io.StringReader("")),
                new java.io.PrintWriter(out, true), new java.io.PrintWriter(new java.io.StringWriter(), true), Map.of());
        int[] exit = {-1};
        Thread watching = new Thread(() -> exit[0] = RaftgresCtl.run(term, "--url", api.url(), "list", "-w", "0.2"));
        watching.start();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        while (out.toString().split("\\+ Cluster: demo", -1).length < 4 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        watching.interrupt();
        watching.join(5000);
        assertFalse(watching.isAlive());
        assertEquals(0, exit[0]);
        assertTrue(out.toString().split("\\+ Cluster: demo", -1).length >= 4, out.toString());
    }

    @Test
    void versionShowsTheCliAndEveryMember() {
        Run r = Run.of("", "--url", api.url(), "version");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("raftgresctl version "), r.toString());
        assertTrue(r.out().contains("n1: raftgres 0.1.0 PostgreSQL 15.4\n"), r.toString());
        assertEquals("9.6.24", VersionCommand.pgVersion(90624));
    }

    @Test
    void oneLineErrorsWithDistinctExitCodes() {
        api.reply("PATCH /config", 401, "not authenticated");
        Run denied = Run.of("", "--url", api.url(), "resume");
        assertEquals(4, denied.exit(), denied.toString());
        assertEquals(1, denied.err().lines().count(), denied.toString());
        Run unreachable = Run.of("", "--url", "http://127.0.0.1:1", "--url", "127.0.0.1:2", "list");
        assertEquals(3, unreachable.exit());
        assertEquals("no member answered: http://127.0.0.1:1: connection refused; http://127.0.0.1:2: connection refused",
                unreachable.err().strip());
        Run nothing = Run.of("", "list");
        assertEquals(2, nothing.exit());
        assertTrue(nothing.err().contains("no member to talk to"), nothing.toString());
        Run skipsDead = Run.of("", Map.of("RAFTGRESCTL_URL", "http://127.0.0.1:1," + api.url()), "list");
        assertEquals(0, skipsDead.exit(), skipsDead.toString());
        try (FakeRestApi starting = new FakeRestApi()) {
            starting.reply("GET /cluster", 503, "raftgres is starting: this member has not joined Raft yet");
            Run skipsStarting = Run.of("", Map.of("RAFTGRESCTL_URL", starting.url() + "," + api.url()), "list");
            assertEquals(0, skipsStarting.exit(), skipsStarting.toString());
            Run onlyStarting = Run.of("", "--url", starting.url(), "list");
            assertEquals(3, onlyStarting.exit(), onlyStarting.toString());
            assertTrue(onlyStarting.err().contains("the agent is starting"), onlyStarting.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Run help = Run.of("", "restart", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("Exit codes:") && help.out().contains("4   authentication refused"), help.out());
    }

    @Test
    void credentialsComeFromTheConfigFilesRestapiOrCtlSectionAndAreNeverShown() throws Exception {
        api.reply("PATCH /config", 200, "{}");
        Path file = Files.createTempFile("raftgres", ".yml");
        try {
            String port = api.url().substring(api.url().lastIndexOf(':') + 1);
            Files.writeString(file, "scope: demo\nrestapi:\n  listen: 0.0.0.0:" + port + "\n  connect_address: 127.0.0.1:"
                    + port + "\n  authentication: {username: admin, password: s3cret}\n");
            Run r = Run.of("", "list", "-c", file.toString());
            assertEquals(0, r.exit(), r.toString());
            assertEquals(0, Run.of("", "-c", file.toString(), "resume").exit());
            assertEquals("Basic YWRtaW46czNjcmV0", api.writes().getLast().authorization());
            assertFalse(CtlSettings.of(file, java.util.List.of(), null, false).toString().contains("s3cret"));

            Files.writeString(file, "restapi: {listen: \"127.0.0.1:" + port + "\", authentication: {username: a, password: b}}\n"
                    + "ctl: {authentication: {username: ops, password: other}}\n");
            assertEquals(0, Run.of("", "-c", file.toString(), "resume").exit());
            assertEquals("Basic b3BzOm90aGVy", api.writes().getLast().authorization());
            Files.writeString(file, "restapi: [not, a, mapping]\n");
            assertEquals(2, Run.of("", "-c", file.toString(), "list").exit());
        } finally {
            Files.delete(file);
        }
    }
}
