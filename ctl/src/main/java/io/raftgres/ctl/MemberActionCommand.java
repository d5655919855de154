package io.raftgres.ctl;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/**
 * A command sent to chosen members one by one (restart, reload, reinit), with patronictl's
 * {@code CLUSTER [MEMBER...]} and {@code -r/--role}. Each member's outcome is one line; the exit
 * code is that of the first failure (0 when all succeeded).
 */
abstract class MemberActionCommand extends CtlCommand {

    @Parameters(index = "0", paramLabel = "CLUSTER", description = "cluster name (checked against the members')")
    String cluster;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "MEMBER", description = "only these members "
            + "(default: all)")
    List<String> names = List.of();

    @Option(names = {"-r", "--role"}, defaultValue = "any", paramLabel = "ROLE",
            description = "only members with this role: leader, primary, replica, standby or any (default: any)")
    String role;

    @Option(names = "--force", description = "do not ask")
    boolean force;

    /** The exit code of the first failure so far; 0 while every member succeeded. */
    private int exitCode = ExitCodes.OK;

    /** Records a member's failure; the command ends with the first one's code. */
    void failedWith(int code) {
        if (exitCode == ExitCodes.OK) {
            exitCode = code;
        }
    }

    int exitCode() {
        return exitCode;
    }

    /** The named (or all) members with the role; none is an error. */
    List<MemberView> chosen(ClusterView c) {
        List<MemberView> members = c.select(names).stream().filter(m -> m.hasRole(role)).toList();
        if (members.isEmpty()) {
            throw CtlException.failed("no member of cluster " + c.scope() + " matches"
                    + (names.isEmpty() ? "" : " " + String.join(", ", names)) + " with role " + role);
        }
        return members;
    }

    static String namesOf(List<MemberView> members) {
        return String.join(", ", members.stream().map(MemberView::name).toList());
    }

    /** Prints {@code Failed: <action> for member X, status code=N, (reason)} and records the failure. */
    void failed(String action, MemberView m, Response r) {
        println("Failed: " + action + " for member " + m.name() + ", status code=" + r.status() + ", (" + r.reason()
                + ")");
        failedWith(r.error().exitCode());
    }

    /**
     * One request to one member; unreachable is a failed line (exit code 3 at the end), not the
     * end of the command. Returns null then.
     */
    Response send(MemberView m, String method, String path, String json) {
        try {
            return client().one(m.apiBase(), method, path, json);
        } catch (CtlException e) {
            println("Failed: " + method + " " + path + " for member " + m.name() + ": " + e.getMessage());
            failedWith(e.exitCode());
            return null;
        }
    }
}
