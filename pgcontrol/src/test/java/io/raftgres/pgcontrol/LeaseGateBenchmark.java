package io.raftgres.pgcontrol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the lease gate costs: pgbench's simple-update script (scale 1) with 1 and 8 clients against one
 * local PostgreSQL 15, once with {@code synchronous_standby_names} empty and once waiting for a
 * {@link LeaseGate} whose lease always holds, with fsync on and off. Not part of the build: run with
 * {@code mvn -pl pgcontrol -am test -Dtest=LeaseGateBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Dlease.gate.bench=true [-Dlease.gate.bench.seconds=20]}; it prints one table line per run.
 */
@EnabledIfSystemProperty(named = "lease.gate.bench", matches = "true")
class LeaseGateBenchmark {

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");
    private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");

    @Test
    void pgbenchWithAndWithoutTheGate() throws Exception {
        int seconds = Integer.getInteger("lease.gate.bench.seconds", 20);
        List<String> lines = new ArrayList<>();
        try (PgFixture fixture = PgFixture.create()) {
            PgCtlPostgresControl pg = fixture.gatedMember("bench");
            pg.bootstrap();
            boolean initialized = false;
            for (String fsync : new String[] {"on", "off"}) {
                for (boolean gated : new boolean[] {false, true}) {
                    try (Connection c = PgFixture.connect(pg); Statement st = c.createStatement()) {
                        st.execute("alter system set fsync = " + fsync);
                        st.execute("alter system set synchronous_standby_names = '"
                                + (gated ? EnforcedParameters.gateStandbyNames() : "") + "'");
                        st.execute("select pg_reload_conf()");
                    }
                    if (!initialized) {
                        pgbench(pg, List.of("-i", "-q", "-s", "1")); // ungated, fsync on: the first round
                        initialized = true;
                    }
                    try (LeaseGate gate = new LeaseGate(pg::config, () -> true)) {
                        if (gated) {
                            gate.start();
                            PgFixture.await("the gate to open", Duration.ofSeconds(20), gate::isOpen);
                        }
                        for (int clients : new int[] {1, 8}) {
                            String out = pgbench(pg, List.of("-b", "simple-update", "-c", Integer.toString(clients),
                                    "-j", clients == 1 ? "1" : "2", "-T", Integer.toString(seconds)));
                            lines.add(String.format("fsync %-3s  gate %-3s  clients %d  tps %8s  latency %7s ms",
                                    fsync, gated ? "on" : "off", clients, find(TPS, out), find(LATENCY, out)));
                            System.out.println(lines.getLast());
                        }
                    }
                }
            }
        }
        System.out.println("pgbench simple-update, " + seconds + " s per run:\n" + String.join("\n", lines));
        assertEquals(8, lines.size());
    }

    private static String pgbench(PgCtlPostgresControl pg, List<String> args) throws IOException, InterruptedException {
        PgControlConfig c = pg.config();
        List<String> command = new ArrayList<>(List.of(c.binDir().resolve("pgbench").toString(),
                "-h", "127.0.0.1", "-p", Integer.toString(c.port()), "-U", PgFixture.SUPERUSER.username()));
        command.addAll(args);
        command.add("postgres");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", PgFixture.SUPERUSER.password());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "pgbench did not end");
        assertEquals(0, p.exitValue(), "pgbench failed: " + out);
        return out;
    }

    private static String find(Pattern pattern, String out) {
        Matcher m = pattern.matcher(out);
        assertTrue(m.find(), "no " + pattern + " in pgbench's output: " + out);
        return m.group(1);
    }
}
