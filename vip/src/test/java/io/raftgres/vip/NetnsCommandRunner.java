package io.raftgres.vip;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every command inside a network namespace ({@code ip netns exec NS ...}), so the real
 * {@link IpVipControl} can be exercised against a real kernel without touching the host's own
 * interfaces. Thread-safe if the delegate is.
 */
final class NetnsCommandRunner implements CommandRunner {

    private final String namespace;
    private final CommandRunner delegate;

    NetnsCommandRunner(String namespace, CommandRunner delegate) {
        this.namespace = namespace;
        this.delegate = delegate;
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) {
        List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        wrapped.addAll(argv);
        return delegate.run(wrapped, timeout);
    }
}
