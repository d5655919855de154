package io.raftgres.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailoverReportTest {

    @Test
    void writesMarkdownAndJsonWithEveryMeasure(@TempDir Path dir) throws Exception {
        FailoverReport.write(dir, List.of(
                new ScenarioResult("kill-primary", 3.456, 2000, 0, false, 1, 182.4, 3.1, 2.95, false, "kill n1 at 10 s"),
                new ScenarioResult("freeze-primary", 4.0, 1500, 2, true, 2, null, null, null, true, "a|b")));
        String md = Files.readString(dir.resolve("failover-report.md"));
        assertTrue(md.contains("| kill-primary | 3.46 | 2000 | 0 | no | 1 | 182 | 3.10 | 2.95 | no | kill n1 at 10 s |"), md);
        assertTrue(md.contains("| freeze-primary | 4.00 | 1500 | 2 | **yes** | 2 | n/a | n/a | n/a | **yes** | a/b |"), md);
        String json = Files.readString(dir.resolve("failover-report.json"));
        assertTrue(json.contains("\"scenario\" : \"kill-primary\"") && json.contains("\"unavailableSeconds\" : 3.456")
                && json.contains("\"agentRssMb\" : null"), json);
    }
}
