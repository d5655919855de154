package io.raftgres.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;

/** {@code version}: the CLI's version, then every (or each named) member's raftgres and PostgreSQL versions. */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Show raftgresctl's version and each member's raftgres and PostgreSQL versions.")
final class VersionCommand extends CtlCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "CLUSTER", description = "cluster name")
    String cluster;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "MEMBER", description = "only these members")
    List<String> members = List.of();

    @Override
    public Integer call() {
        println("raftgresctl version " + CtlVersion.VERSION);
        if (cluster == null && root.configFile == null && root.urls.isEmpty()
                && term().env().get("RAFTGRESCTL_URL") == null && term().env().get("RAFTGRESCTL_CONFIG_FILE") == null) {
            return ExitCodes.OK;
        }
        ClusterView c = root.cluster(cluster);
        println("");
        for (MemberView m : c.select(members)) {
            try {
                Response r = client().one(m.apiBase(), "GET", "/patroni", null).ok();
                Map<String, Object> s = Documents.object(r);
                Object raftgres = s.get("patroni") instanceof Map<?, ?> p ? p.get("version") : null;
                println(m.name() + ": raftgres " + raftgres + " PostgreSQL " + pgVersion(s.get("server_version")));
            } catch (CtlException e) {
                println(m.name() + ": failed to get version: " + e.getMessage());
            }
        }
        return ExitCodes.OK;
    }

    /** PostgreSQL's {@code server_version_num} as text: 150004 is 15.4, 90624 is 9.6.24. */
    static String pgVersion(Object num) {
        if (!(num instanceof Number n) || n.intValue() <= 0) {
            return "unknown";
        }
        int v = n.intValue();
        return v >= 100000 ? (v / 10000) + "." + (v % 10000)
                : (v / 10000) + "." + (v / 100 % 100) + "." + (v % 100);
    }
}
