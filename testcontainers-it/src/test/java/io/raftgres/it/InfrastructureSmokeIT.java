package io.raftgres.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.Container.ExecResult;

/**
 * Proves the suite's infrastructure without the agent: three node containers on the dedicated
 * network run plain PostgreSQL (n1 writable, n2 and n3 read-only so they look like replicas to
 * clients), and the test checks addressing, VIP mechanics, fault injection, and that the writer,
 * the checker and the split-brain detector see what they must.
 */
@ExtendWith(DockerRequired.class)
class InfrastructureSmokeIT {

    private static final String VIP = "172.30.77.100";
    private static final Duration READY = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(200);

    private static ClusterFixture cluster;

    /** Lazily, so that without Docker every test is reported skipped by {@link DockerRequired}. */
    @BeforeEach
    void startPlainPostgresOnce() {
        if (cluster != null) {
            return;
        }
        long start = System.nanoTime();
        cluster = ClusterFixture.builder().label("smoke")
                .command(spec -> List.of("bash", "-c", plainPostgresScript(spec.index() == 1)))
                .start();
        System.out.printf("smoke: containers running after %d ms%n", (System.nanoTime() - start) / 1_000_000);
        for (Node node : cluster.nodes()) {
            Await.until(node + " accepting connections", READY, POLL, () -> serverAddress(node.postgres()));
        }
        System.out.printf("smoke: PostgreSQL ready on all nodes after %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    @AfterAll
    static void removeContainers() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @Test
    void hostReachesEveryNodeOnItsStaticAddress() throws SQLException {
        for (Node node : cluster.nodes()) {
            assertEquals(node.ip(), serverAddress(node.postgres()));
            assertEquals(node.name(), node.sh("hostname").strip());
            assertTrue(node.agentRssMb().isEmpty(), "no agent runs in the smoke test, so no agent RSS");
        }
    }

    @Test
    void vipCanBeAddedAnnouncedReachedAndRemoved() throws SQLException {
        Node holder = cluster.node("n1");
        Node other = cluster.node("n2");
        holder.sh("ip addr add " + VIP + "/24 dev eth0");
        try {
            ExecResult announce = holder.exec("arping", "-c", "2", "-U", "-I", "eth0", VIP);
            assertEquals(0, announce.getExitCode(), "gratuitous ARP: " + announce.getStderr());
            ExecResult probe = other.exec("arping", "-c", "2", "-w", "3", "-I", "eth0", VIP);
            assertEquals(0, probe.getExitCode(), "n2 must get ARP replies for the VIP: " + probe.getStdout());
            String holderMac = holder.sh("cat /sys/class/net/eth0/address").strip();
            assertTrue(probe.getStdout().toLowerCase(Locale.ROOT).contains("[" + holderMac + "]"),
                    "the VIP must answer with n1's MAC " + holderMac + ": " + probe.getStdout());
            assertEquals(VIP, serverAddress(new HostPort(VIP, NodeSpec.PG_PORT)), "the host must reach PostgreSQL via the VIP");
        } finally {
            holder.sh("ip addr del " + VIP + "/24 dev eth0");
        }
        assertFalse(holder.sh("ip -4 -o addr show dev eth0").contains(VIP));
    }

    @Test
    void partitionCutsPeersButNotTheHostAndHealRestores() throws SQLException {
        Node victim = cluster.node("n1");
        Node peer = cluster.node("n2");
        Faults faults = new Faults(ScenarioClock.start());
        faults.partition(victim, cluster.others(victim));
        try {
            assertTrue(peer.exec("timeout", "2", "bash", "-c", "</dev/tcp/" + victim.ip() + "/5432").getExitCode() != 0,
                    "n2 must not reach n1 across the partition");
            assertEquals(victim.ip(), serverAddress(victim.postgres()), "the host must still reach n1");
        } finally {
            faults.heal(victim);
        }
        assertEquals(0, peer.exec("timeout", "2", "bash", "-c", "</dev/tcp/" + victim.ip() + "/5432").getExitCode(),
                "n2 must reach n1 again after healing");
        assertEquals(List.of("partition n1 from [n2, n3]", "heal n1"),
                faults.events().stream().map(Faults.Event::description).toList());
    }

    @Test
    void lossyDropsPacketsInBothDirectionsUntilHealed() {
        Node victim = cluster.node("n3");
        Node peer = cluster.node("n2");
        Faults faults = new Faults(ScenarioClock.start());
        faults.lossy(victim, cluster.others(victim), 0.2);
        int lossy;
        try {
            lossy = pingLossPercent(peer, victim.ip());
        } finally {
            faults.heal(victim);
        }
        // Each echo crosses the lossy node twice: about 36 % lost; 0 % would mean no loss injected.
        assertTrue(lossy > 5 && lossy < 90, "expected random loss, got " + lossy + " %");
        assertEquals(0, pingLossPercent(peer, victim.ip()), "heal must remove the loss");
    }

    @Test
    void pauseFreezesANodeAndUnpauseResumesIt() throws SQLException {
        Node node = cluster.node("n3");
        node.pause();
        try {
            long start = System.nanoTime();
            assertThrows(SQLException.class, () -> serverAddress(node.postgres()));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waitedMs < 5_000, "a frozen node must fail fast via the client timeouts, took " + waitedMs + " ms");
            assertFalse(node.running());
        } finally {
            node.unpause();
        }
        assertEquals(node.ip(), serverAddress(node.postgres()));
    }

    @Test
    void killAndStartKeepTheContainersDiskAndAddress() {
        Node node = cluster.node("n2");
        node.sh("echo survived > /var/lib/raftgres/marker");
        node.kill();
        assertFalse(node.running());
        node.start();
        Await.until(node + " back after kill", READY, POLL, () -> serverAddress(node.postgres()));
        assertEquals("survived", node.sh("cat /var/lib/raftgres/marker").strip());
    }

    @Test
    void writerCheckerAndDetectorAgainstPlainPostgres() throws Exception {
        Node primary = cluster.node("n1");
        Node readOnly = cluster.node("n2");
        List<HostPort> all = cluster.nodes().stream().map(Node::postgres).toList();
        Schema.create(PgTarget.direct(primary.postgres()));
        ScenarioClock clock = ScenarioClock.start();
        Map<String, HostPort> members = new LinkedHashMap<>();
        cluster.nodes().forEach(n -> members.put(n.name(), n.postgres()));
        String run = "smoke-" + System.currentTimeMillis();
        try (Writer writer = new Writer(run, PgTarget.primaryAmong(all), clock);
             SplitBrainDetector detector = new SplitBrainDetector(members, clock, true)) {
            writer.start(Duration.ofSeconds(20));
            detector.start(Duration.ofSeconds(20));
            Thread.sleep(3_000);
            writer.stop();
            Acceptances onePrimary = detector.acceptances();
            assertEquals(List.of("n1"), onePrimary.acceptingMembers(), "read-only members must refuse probes");
            assertFalse(onePrimary.splitBrain(), onePrimary.overlaps().toString());

            detector.newPhase();
            setReadOnly(readOnly, false);
            try {
                Schema.create(PgTarget.direct(readOnly.postgres())); // independent servers: no replication
                Await.untilTrue("n2 accepting probe writes", Duration.ofSeconds(10), POLL,
                        () -> detector.acceptances().acceptingMembers().contains("n2"));
                Thread.sleep(1_000);
                detector.stop();
            } finally {
                setReadOnly(readOnly, true);
            }
            List<Acceptances.Overlap> overlaps = detector.acceptances().overlaps();
            assertEquals(1, overlaps.size(), "two writable members must be reported as split brain: " + overlaps);
            assertEquals(1, overlaps.getFirst().phase(), "the overlap happened after newPhase()");
            assertEquals("n1/n2", overlaps.getFirst().first() + "/" + overlaps.getFirst().second());

            WriteLog log = writer.log();
            CheckResult clean = Checker.check(run, log, PgTarget.direct(primary.postgres()), onePrimary);
            assertTrue(clean.acknowledged() > 100, "the writer must have written for 3 s: " + clean);
            assertEquals(0, clean.lostCount(), clean.toString());
            assertTrue(log.attempts().stream().filter(WriteLog.Attempt::acknowledged).allMatch(a -> "n1".equals(a.server())),
                    "targetServerType=primary must reach only the writable n1, and the writer must record it");
            assertTrue(log.longestAckGapMillis(0, log.lastAckMillis()) < 1_000, "no outage expected on a healthy server");

            deleteIds(primary, run, List.of(5L, 6L, 7L));
            CheckResult withLoss = Checker.check(run, log, PgTarget.direct(primary.postgres()), null);
            assertEquals(List.of(5L, 6L, 7L), withLoss.lost(), "deleted acknowledged rows must be reported lost");

            FailoverReport.write(ItEnvironment.reportDir().resolve("smoke"), List.of(new ScenarioResult(
                    "smoke (plain PostgreSQL, no agent)", log.longestAckGapMillis(0, log.lastAckMillis()) / 1000.0,
                    clean.acknowledged(), clean.lostCount(), clean.splitBrain(), onePrimary.writerChanges(), null,
                    null, null, false, "infrastructure check only (no VIP)")));
        }
    }

    /** PostgreSQL 15 as the postgres user, initialized on first start; n2 and n3 refuse writes. */
    private static String plainPostgresScript(boolean writable) {
        String data = "/var/lib/postgresql/plain";
        String bin = AgentConfig.PG_BIN_DIR;
        return "set -e\n"
                + "if [ ! -f " + data + "/PG_VERSION ]; then\n"
                + "  install -d -o postgres -g postgres " + data + "\n"
                + "  echo '" + ItCredentials.SUPERUSER_PASSWORD + "' > /tmp/pw && chown postgres /tmp/pw\n"
                + "  runuser -u postgres -- " + bin + "/initdb -D " + data + " -U " + ItCredentials.SUPERUSER
                + " --pwfile=/tmp/pw --auth-host=scram-sha-256 --auth-local=trust >/dev/null\n"
                + "  rm /tmp/pw\n"
                + "  echo 'host all all " + NodeSpec.SUBNET + " scram-sha-256' >> " + data + "/pg_hba.conf\n"
                // In postgresql.conf, not on the command line, so ALTER SYSTEM can override it.
                + "  echo 'default_transaction_read_only = " + (writable ? "off" : "on") + "' >> " + data
                + "/postgresql.conf\n"
                + "fi\n"
                + "exec runuser -u postgres -- " + bin + "/postgres -D " + data + " -c listen_addresses='*'\n";
    }

    private static String serverAddress(HostPort address) throws SQLException {
        try (Connection c = PgTarget.direct(address).connect("raftgres-it-smoke"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT host(inet_server_addr())")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void setReadOnly(Node node, boolean readOnly) {
        node.sh("PGOPTIONS='-c default_transaction_read_only=off' runuser -u postgres -- psql -qAt -h /var/run/postgresql"
                + " -c \"ALTER SYSTEM SET default_transaction_read_only = " + (readOnly ? "on" : "off") + "\""
                + " -c 'SELECT pg_reload_conf()'");
    }

    private static void deleteIds(Node node, String run, List<Long> ids) throws SQLException {
        try (Connection c = PgTarget.direct(node.postgres()).connect("raftgres-it-smoke");
             Statement s = c.createStatement()) {
            for (long id : ids) {
                s.executeUpdate("DELETE FROM " + Schema.WRITES + " WHERE run = '" + run + "' AND id = " + id);
            }
        }
    }

    private static int pingLossPercent(Node from, String ip) {
        String out = from.exec("ping", "-n", "-q", "-c", "60", "-i", "0.02", "-W", "1", ip).getStdout();
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)% packet loss").matcher(out);
        assertTrue(m.find(), "no ping summary in: " + out);
        return (int) Math.round(Double.parseDouble(m.group(1)));
    }
}
