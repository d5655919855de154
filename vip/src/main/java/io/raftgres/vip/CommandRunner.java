package io.raftgres.vip;

import java.time.Duration;
import java.util.List;

/**
 * Runs an external tool and waits for it, within a bound. The seam between {@link IpVipControl}
 * and the operating system: production uses {@link ProcessCommandRunner}, tests a scripted fake,
 * and a decorator can run the same commands inside a network namespace.
 *
 * <p>Contract: {@link #run} never throws for a failing, missing or hanging tool; every such
 * outcome is a {@link CommandResult}. It returns within about {@code timeout} (plus the time to
 * kill a process that overran). Implementations are safe for concurrent use, because
 * announcements run on their own threads while the HA loop adds or removes the address.
 */
public interface CommandRunner {

    /**
     * Runs {@code argv} (program first, no shell) and returns its exit code and combined
     * stdout/stderr.
     *
     * @param argv    the program and its arguments; never interpreted by a shell
     * @param timeout how long the tool may run before it is killed
     */
    CommandResult run(List<String> argv, Duration timeout);
}
