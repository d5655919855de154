package io.raftgres.pgcontrol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.spi.StopMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Placeholder timeline history files with real PostgreSQL 15, simulation seed 69's story: the primary
 * alpha dies; gamma promotes to timeline 2 and is cut off before anyone saw its history file; beta,
 * which never saw it, reserves 2 and promotes. PostgreSQL picks 3, so gamma's branch is not in beta's
 * history and pg_rewind brings gamma onto beta's line. A standby asleep on timeline 1 (delta) starts
 * with an unused placeholder of its own, which the start removes, and then streams from beta, fetching
 * beta's placeholder on the way (PostgreSQL's WAL receiver asks its primary for every history file
 * between the two timelines). Shown to fail once each (5 Dec 2026): without the {@code reserveTimelines}
 * call beta promoted to timeline 2, the number gamma took; without {@code removeUnused} in
 * {@code follow} delta did not start ("requested timeline 2 is not a child of this server's history").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TimelineReservationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private PgFixture fixture;
    private PgCtlPostgresControl alpha;
    private PgCtlPostgresControl beta;
    private PgCtlPostgresControl gamma;
    private PgCtlPostgresControl delta;

    @BeforeAll
    void createInstances() throws Exception {
        fixture = PgFixture.create();
        alpha = fixture.member("alpha");
        beta = fixture.member("beta");
        gamma = fixture.member("gamma");
        delta = fixture.member("delta");
    }

    @AfterAll
    void stopInstances() {
        fixture.close();
    }

    @Test
    @Order(1)
    void gammaTakesTimeline2UnseenByBeta() throws Exception {
        alpha.bootstrap();
        execute(alpha, "create table story(note text)", "insert into story values ('before')");
        for (PgCtlPostgresControl replica : List.of(beta, gamma, delta)) {
            replica.cloneFrom(PgFixture.upstream(alpha));
            replica.follow(PgFixture.upstream(alpha), null);
        }
        for (PgCtlPostgresControl replica : List.of(beta, gamma, delta)) {
            PgFixture.await(replica.config().memberName() + " has the row", WAIT, () -> notes(replica).contains("before"));
        }
        delta.stop(StopMode.FAST);
        alpha.stop(StopMode.IMMEDIATE);
        gamma.promote();
        assertEquals(2, gamma.observe().timeline());
        execute(gamma, "insert into story values ('lost')");
        assertFalse(Files.exists(history(beta, 2)), "beta never saw gamma's timeline 2");
    }

    @Test
    @Order(2)
    void betaReservesTimeline2AndPromotesTo3() throws Exception {
        beta.reserveTimelines(2);
        String placeholder = Files.readString(history(beta, 2), StandardCharsets.UTF_8);
        assertTrue(placeholder.startsWith(TimelineReservation.MARKER), placeholder);
        assertTrue(placeholder.endsWith("\n1\t0/1\treserved by raftgres\n"), placeholder);
        beta.reserveTimelines(2);
        assertEquals(placeholder, Files.readString(history(beta, 2), StandardCharsets.UTF_8), "written once");

        beta.promote();
        LocalPgState promoted = beta.observe();
        assertTrue(promoted.isWritablePrimary());
        assertEquals(3, promoted.timeline(), "the number above the placeholder");
        assertEquals(1, TimelineHistory.startOf(beta.config().dataDir(), 3).orElseThrow().parentTimeline());
        assertTrue(Files.exists(history(beta, 2)), "kept: standbys fetch it from the primary");
        execute(beta, "insert into story values ('after')");
    }

    @Test
    @Order(3)
    void gammasLostBranchIsRewoundOntoBetasLine() throws Exception {
        gamma.stop(StopMode.FAST);
        gamma.rewind(PgFixture.upstream(beta));
        gamma.follow(PgFixture.upstream(beta), null);
        PgFixture.await("gamma streams from beta", WAIT, () -> gamma.observe().streaming());
        assertEquals(3, gamma.observe().timeline());
        PgFixture.await("gamma has beta's row", WAIT, () -> notes(gamma).contains("after"));
        assertFalse(notes(gamma).contains("lost"), "the rewind discards gamma's branch");
    }

    @Test
    @Order(4)
    void aStandbyStartDropsItsUnusedPlaceholderAndFetchesThePrimarys() throws Exception {
        TimelineReservation own = new TimelineReservation(delta.config().dataDir(),
                new OwnedFiles("postgres", ToolRunner.runningAsRoot()));
        assertEquals(List.of(2L), own.reserve(1, 2), "as a promotion that never happened leaves it");
        delta.follow(PgFixture.upstream(beta), null);
        PgFixture.await("delta streams from beta", WAIT, () -> delta.observe().streaming());
        PgFixture.await("delta has beta's row", WAIT, () -> notes(delta).contains("after"));
        assertEquals(3, delta.observe().timeline());
        // the start removed delta's own; PostgreSQL's WAL receiver fetched beta's, which a primary must keep
        assertTrue(Files.exists(history(delta, 2)), "fetched from beta");
    }

    private static Path history(PgCtlPostgresControl member, long timeline) {
        return member.config().dataDir().resolve("pg_wal").resolve(TimelineHistory.fileName(timeline));
    }

    private static void execute(PgCtlPostgresControl member, String... sql) throws SQLException {
        try (Connection c = PgFixture.connect(member); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    private static List<String> notes(PgCtlPostgresControl member) {
        try (Connection c = PgFixture.connect(member); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select note from story")) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            return List.of();
        }
    }
}
