package io.raftgres.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The failover benchmark: per scenario the write-unavailability window, acknowledged writes
 * lost, split brain, leader changes and agent RSS. Written to {@code failover-report.md} and
 * {@code failover-report.json} in testcontainers-it/target after every recorded scenario, so a
 * crash later in the run keeps what was measured.
 *
 * <p>One per test JVM (failsafe runs all IT classes in one fork); thread-safe.
 */
public final class FailoverReport {

    private static final List<ScenarioResult> RESULTS = new ArrayList<>();

    private FailoverReport() {
    }

    /** Adds a result, rewrites both files and prints the table so far. */
    public static synchronized void record(ScenarioResult result) {
        RESULTS.add(result);
        write(ItEnvironment.reportDir(), List.copyOf(RESULTS));
        System.out.println(markdown(RESULTS));
    }

    public static synchronized List<ScenarioResult> results() {
        return List.copyOf(RESULTS);
    }

    /** Writes {@code failover-report.md} and {@code .json} for {@code results} into {@code dir}. */
    static void write(Path dir, List<ScenarioResult> results) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("failover-report.md"), markdown(results), StandardCharsets.UTF_8);
            JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
            Files.writeString(dir.resolve("failover-report.json"), mapper.writeValueAsString(results),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the failover report to " + dir, e);
        }
    }

    /** The Markdown table (also what the README copies). */
    static String markdown(List<ScenarioResult> results) {
        StringBuilder md = new StringBuilder("# raftgres failover report\n\n")
                .append("| scenario | write unavailability (s) | acknowledged | acknowledged lost | split brain")
                .append(" | leader changes | agent RSS (MB) | VIP moved (s) | VIP absent (s) | VIP on two hosts")
                .append(" | notes |\n")
                .append("|---|---:|---:|---:|---|---:|---:|---:|---:|---|---|\n");
        for (ScenarioResult r : results) {
            md.append("| ").append(r.scenario())
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", r.unavailableSeconds()))
                    .append(" | ").append(r.acknowledged())
                    .append(" | ").append(r.lost())
                    .append(" | ").append(r.splitBrain() ? "**yes**" : "no")
                    .append(" | ").append(r.leaderChanges())
                    .append(" | ").append(r.agentRssMb() == null ? "n/a" : String.format(Locale.ROOT, "%.0f", r.agentRssMb()))
                    .append(" | ").append(seconds(r.vipMovedSeconds()))
                    .append(" | ").append(seconds(r.vipAbsentSeconds()))
                    .append(" | ").append(r.vipOnTwoHosts() ? "**yes**" : "no")
                    .append(" | ").append(r.notes().replace("|", "/").replace("\n", " "))
                    .append(" |\n");
        }
        return md.toString();
    }

    private static String seconds(Double value) {
        return value == null ? "n/a" : String.format(Locale.ROOT, "%.2f", value);
    }
}
