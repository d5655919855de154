package io.raftgres.agent.config;

import io.raftgres.core.model.MemberTags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.raftgres.agent.config.ConfigFixture.assertOnlyProblem;
import static io.raftgres.agent.config.ConfigFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class MemberTagsReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsKnownAndCustomTags() throws ConfigException {
        MemberTags tags = ConfigFixture.valid().set("tags", Map.of("nofailover", true, "noloadbalance", true,
                "rack", "r1", "weight", 3, "ssd", false)).load(dir).tags();

        assertEquals(new MemberTags(true, 1, true, false, Map.of("rack", "r1", "weight", "3", "ssd", "false")), tags);
        assertFalse(tags.canFailover());
    }

    @Test
    void failoverPriorityZeroAloneMeansNoFailover() throws ConfigException {
        MemberTags tags = ConfigFixture.valid().set("tags.failover_priority", 0).load(dir).tags();

        assertFalse(tags.canFailover());
    }

    @Test
    void refusesBadTagTypes() {
        ConfigException e = ConfigFixture.valid().set("tags", Map.of("nofailover", "maybe", "failover_priority", "high",
                "nosync", 2, "zone", List.of("a"))).failure(dir);

        assertProblem(e, "tags.nofailover", "must be true or false, found 'maybe'");
        assertProblem(e, "tags.failover_priority", "must be a whole number, found 'high'");
        assertProblem(e, "tags.nosync", "must be true or false, found the number 2");
        assertProblem(e, "tags.zone", "custom tags must be a single value");
        assertEquals(4, e.problems().size());
    }

    @Test
    void refusesNegativeFailoverPriority() {
        ConfigException e = ConfigFixture.valid().set("tags.failover_priority", -1).failure(dir);

        assertOnlyProblem(e, "tags.failover_priority", "must be between 0 and 2147483647, found -1");
    }

    @Test
    void refusesNofailoverContradictedByPositivePriority() {
        ConfigException e = ConfigFixture.valid().set("tags.nofailover", true).set("tags.failover_priority", 2)
                .failure(dir);

        assertOnlyProblem(e, "tags.failover_priority", "contradicts nofailover: true (failover_priority 2 allows"
                + " failover); set only one of the two tags");
    }

    @Test
    void refusesFailoverAllowedButPriorityZero() {
        ConfigException e = ConfigFixture.valid().set("tags.nofailover", false).set("tags.failover_priority", 0)
                .failure(dir);

        assertOnlyProblem(e, "tags.failover_priority", "contradicts nofailover: false");
    }

    @Test
    void acceptsConsistentNofailoverAndPriority() throws ConfigException {
        MemberTags tags = ConfigFixture.valid().set("tags.nofailover", true).set("tags.failover_priority", 0)
                .load(dir).tags();

        assertFalse(tags.canFailover());
    }
}
