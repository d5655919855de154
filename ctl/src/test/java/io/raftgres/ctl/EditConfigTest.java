package io.raftgres.ctl;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** edit-config's changes, diff, confirmation and conditional write; UnifiedDiff and ConfigEdits. */
class EditConfigTest {

    private FakeRestApi api;

    @BeforeEach
    void start() throws Exception {
        api = new FakeRestApi().reply("GET /config", 200, "{\"loop_wait\": 10, \"maximum_lag_on_failover\": 1048576, "
                + "\"postgresql\": {\"use_pg_rewind\": true, \"parameters\": {\"work_mem\": \"4MB\"}}}");
        api.reply("PUT /config", 200, "{}");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void setsShowTheDiffAskAndWriteWithTheVersionRead() {
        Run r = Run.of("y\n", "--url", api.url(), "edit-config", "-s", "loop_wait=5", "-p", "work_mem=",
                "-p", "max_connections=200");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("""
                --- before
                +++ after
                @@ -1,6 +1,6 @@
                -loop_wait: 10
                +loop_wait: 5
                 maximum_lag_on_failover: 1048576
                 postgresql:
                   use_pg_rewind: true
                   parameters:
                -    work_mem: 4MB
                +    max_connections: 200
                """), r.out());
        assertTrue(r.out().endsWith("Apply these changes? [y/N]: Configuration changed\n"), r.out());
        FakeRestApi.Request put = api.writes().getFirst();
        assertEquals("\"7\"", put.ifMatch());
        assertEquals("{\"loop_wait\":5,\"maximum_lag_on_failover\":1048576,\"postgresql\":{\"use_pg_rewind\":true,"
                + "\"parameters\":{\"max_connections\":200}}}", put.body().replaceAll("\\s", ""));
    }

    @Test
    void noChangeNoWriteAndAConflictIsExitFive() {
        Run same = Run.of("", "--url", api.url(), "edit-config", "-s", "loop_wait=10", "--force");
        assertEquals(0, same.exit(), same.toString());
        assertEquals("Not changed\n", same.out());
        api.reply("PUT /config", 409, "configuration version is 8, not 7: it changed since you read it");
        Run conflict = Run.of("", "--url", api.url(), "edit-config", "-s", "loop_wait=3", "--force", "-q");
        assertEquals(5, conflict.exit(), conflict.toString());
        assertEquals("not applied (409 from " + api.url() + "): the configuration changed while you edited it "
                + "(configuration version is 8, not 7: it changed since you read it); run edit-config again",
                conflict.err().strip());
        Run badSet = Run.of("", "--url", api.url(), "edit-config", "-s", "loop_wait", "--force");
        assertEquals(2, badSet.exit(), badSet.toString());
        assertEquals(1, api.writes().size());
    }

    @Test
    void anEditorThatFailsChangesNothing() {
        Run r = Run.of("", Map.of("EDITOR", "false"), "--url", api.url(), "edit-config");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(api.writes().isEmpty());
    }

    @Test
    void applyMergesRecursivelyAndNullDeletes() {
        Map<String, Object> before = Map.of("a", 1, "p", Map.of("x", 1, "y", 2));
        Map<String, Object> patch = new java.util.HashMap<>();
        patch.put("p", new java.util.HashMap<>(Map.of("x", 5)));
        @SuppressWarnings("unchecked") Map<String, Object> p = (Map<String, Object>) patch.get("p");
        p.put("y", null);
        patch.put("b", true);
        Map<String, Object> after = ConfigEdits.apply(new java.util.TreeMap<>(before), List.of(patch),
                List.of("c.d=on"), List.of());
        assertEquals(Map.of("a", 1, "b", true, "p", Map.of("x", 5), "c", Map.of("d", true)), after);
    }

    @Test
    void unifiedDiffMatchesDiffU() {
        String a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
        String b = "1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n";
        assertEquals("""
                --- a
                +++ b
                @@ -1,6 +1,6 @@
                 1
                 2
                -3
                +three
                 4
                 5
                 6
                @@ -10,3 +10,4 @@
                 10
                 11
                 12
                +13
                """, UnifiedDiff.of(a, b, "a", "b"));
        assertEquals("", UnifiedDiff.of(a, a, "a", "b"));
    }
}
