package io.raftgres.ctl;

import picocli.CommandLine.Command;

/**
 * {@code failover}: promotes a named candidate now, with or without a healthy leader
 * ({@code POST /failover {candidate, leader?}}). Cannot be scheduled; --force needs --candidate.
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
        description = "Promote a specific member now, also when the cluster has no leader (may lose data that "
                + "never reached the candidate).")
final class FailoverCommand extends SwitchoverCommand {

    @Override
    boolean failover() {
        return true;
    }
}
