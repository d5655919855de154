package io.raftgres.agent.config;

import io.raftgres.pgcontrol.InstalledServer;
import io.raftgres.pgcontrol.ParameterVerdicts;
import io.raftgres.pgcontrol.PgBinaries;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Checks {@code postgresql.bin_dir} (every server binary present, one supported major version, runnable
 * as {@code postgresql.os_user}) and lets that PostgreSQL judge {@code bootstrap.dcs.postgresql.parameters}
 * and {@code postgresql.parameters} (names, types, enum values, ranges, units): a setting PostgreSQL would
 * refuse at start is refused here, before initdb or Raft run, and so is one raftgres cannot replicate with
 * (wal_level minimal; the agent used to fail every cycle on it). Unknown names get the closest known name,
 * or the replacement of a parameter an older PostgreSQL had. About 0.1-0.3 s per start.
 */
final class InstalledPostgresCheck implements HostCheck {

    static final String BIN_DIR = "postgresql.bin_dir";

    @Override
    public void check(PostgresqlConfig postgresql, BootstrapConfig bootstrap, ConfigProblems problems) {
        InstalledServer server = inspect(postgresql, problems);
        if (server == null) {
            return;
        }
        if (bootstrap != null) {
            judge(server, bootstrap.dcs().parameters(), "bootstrap.dcs.postgresql.parameters", problems);
        }
        judge(server, postgresql.parameters(), "postgresql.parameters", problems);
    }

    private static InstalledServer inspect(PostgresqlConfig postgresql, ConfigProblems problems) {
        Path binDir = postgresql.binDir();
        if (binDir == null) {
            try {
                binDir = PgBinaries.discover();
            } catch (IllegalStateException e) {
                problems.add(BIN_DIR, "is not set and no PostgreSQL was found (" + e.getMessage() + ")");
                return null;
            }
        }
        try {
            return InstalledServer.inspect(binDir, postgresql.osUser());
        } catch (IllegalArgumentException e) {
            String where = postgresql.binDir() == null ? " (discovered " + binDir + ")" : "";
            problems.add(BIN_DIR, e.getMessage() + where);
        } catch (RuntimeException e) {
            problems.add(BIN_DIR, "cannot run the binaries in " + binDir + ": " + e.getMessage());
        }
        return null;
    }

    private static void judge(InstalledServer server, Map<String, String> parameters, String section,
                              ConfigProblems problems) {
        Map<String, String> unusable = InstalledServer.unusableParameters(parameters);
        unusable.forEach((name, why) -> problems.add(section + "." + name, why));
        Map<String, String> rest = new java.util.LinkedHashMap<>(parameters);
        rest.keySet().removeAll(unusable.keySet());
        Map<String, ParameterVerdicts.Refusal> refused;
        try {
            refused = server.refusedParameters(rest);
        } catch (RuntimeException e) {
            problems.add(section, "PostgreSQL " + server.version() + " in " + server.binDir()
                    + " could not check these parameters: " + e.getMessage());
            return;
        }
        refused.forEach((name, refusal) -> problems.add(section + "." + name, refusal.unknownName()
                ? refusal.reason() + suggestion(server, name) : masked(refusal.reason(), name, parameters.get(name))));
    }

    /** PostgreSQL quotes the refused value; a secret-looking parameter's value never reaches the output. */
    private static String masked(String reason, String name, String value) {
        return ConfigDisplay.isSecretParameter(name) && value != null && !value.isEmpty()
                ? reason.replace(value, Credentials.MASK) : reason;
    }

    /** "; did you mean X?" with what replaced X if it is a removed parameter; empty when nothing is close. */
    static String suggestion(InstalledServer server, String unknown) {
        Optional<String> closest = KeySuggestion.closest(unknown, server.suggestibleNames());
        if (closest.isEmpty()) {
            return "";
        }
        String name = closest.get();
        Optional<String> replacement = InstalledServer.replacementOf(name);
        if (name.equals(unknown)) {
            return replacement.map(r -> ": " + r).orElse("");
        }
        return "; did you mean " + name + "?" + replacement.map(r -> " " + r).orElse("");
    }
}
