package io.raftgres.it;

import java.util.ArrayList;
import java.util.List;

/**
 * Identity of one container host of the suite: name {@code nK}, container name
 * {@code raftgres-it-nK}, static address {@code 172.30.77.(10+K)} on the suite's network.
 * Immutable.
 *
 * @param index 1-based member number
 */
public record NodeSpec(int index) {

    /** Docker network of the suite; its subnet is fixed so addresses and hba lines are known. */
    public static final String NETWORK_NAME = "raftgres-it-net";
    public static final String SUBNET = "172.30.77.0/24";
    public static final String GATEWAY = "172.30.77.1";
    /** Prefix of every container and network name the suite creates (and removes). */
    public static final String NAME_PREFIX = "raftgres-it-";
    public static final int REST_PORT = 8008;
    public static final int RAFT_PORT = 5010;
    public static final int PG_PORT = 5432;

    public NodeSpec {
        if (index < 1 || index > 9) {
            throw new IllegalArgumentException("member index must be 1..9, got " + index);
        }
    }

    /** The first {@code count} members n1..nK. */
    public static List<NodeSpec> first(int count) {
        List<NodeSpec> specs = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            specs.add(new NodeSpec(i));
        }
        return List.copyOf(specs);
    }

    public String name() {
        return "n" + index;
    }

    public String containerName() {
        return NAME_PREFIX + name();
    }

    public String ip() {
        return "172.30.77." + (10 + index);
    }

    public HostPort postgres() {
        return new HostPort(ip(), PG_PORT);
    }

    public HostPort rest() {
        return new HostPort(ip(), REST_PORT);
    }
}
