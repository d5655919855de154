package io.raftgres.raft;

import io.raftgres.core.timing.SafetyTiming;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;

/**
 * What one member needs to join its cluster's Raft group. Addresses are {@code host:port}
 * strings in Patroni's {@code self_addr}/{@code partner_addrs} style; a member's Raft address
 * is also its Raft peer id, so every member must spell every address the same way.
 *
 * <p>The constructor validates everything and throws {@link IllegalArgumentException} naming
 * the field and the reason; the timing must satisfy {@link SafetyTiming#problems()}, the same rule
 * {@code --validate-config} applies, so a configuration the agent accepts always starts Raft.
 *
 * @param memberName    this member's name (as in its published member record)
 * @param selfAddress   this member's Raft address; the Netty server listens on it
 * @param peerAddresses every voting member's Raft address, this member's included
 * @param scope         cluster name; the Raft group id is derived from it
 * @param storageDir    directory for the Raft log, metadata and snapshots
 * @param timing        ET_min/ET_max (Ratis' rpc timeouts), H and L of the lease, and the agent's
 *                      check interval and fence budget that the takeover delay adds up
 */
public record RaftNodeConfig(String memberName, String selfAddress, List<String> peerAddresses, String scope,
                             Path storageDir, SafetyTiming timing) {

    public RaftNodeConfig {
        requireText(memberName, "memberName");
        requireText(scope, "scope");
        checkAddress(selfAddress, "selfAddress");
        if (peerAddresses == null || peerAddresses.isEmpty()) {
            throw new IllegalArgumentException("peerAddresses: list every voting member's Raft address, "
                    + "this member's included");
        }
        peerAddresses = List.copyOf(peerAddresses);
        var seen = new HashSet<String>();
        for (String peer : peerAddresses) {
            checkAddress(peer, "peerAddresses");
            if (!seen.add(peer)) {
                throw new IllegalArgumentException("peerAddresses: '" + peer + "' is listed twice");
            }
        }
        if (!seen.contains(selfAddress)) {
            throw new IllegalArgumentException("peerAddresses " + peerAddresses + " must include selfAddress '"
                    + selfAddress + "'");
        }
        if (storageDir == null) {
            throw new IllegalArgumentException("storageDir: missing");
        }
        if (timing == null) {
            throw new IllegalArgumentException("timing: missing");
        }
        timing.requireSafe();
    }

    public Duration electionTimeoutMin() {
        return timing.electionTimeoutMin();
    }

    public Duration electionTimeoutMax() {
        return timing.electionTimeoutMax();
    }

    public Duration heartbeatInterval() {
        return timing.heartbeatInterval();
    }

    public Duration leaseDuration() {
        return timing.lease();
    }

    /** A configuration with {@link SafetyTiming#DEFAULT} (ET 2000/2500 ms, H 250 ms, L 1000 ms). */
    public static RaftNodeConfig withDefaults(String memberName, String selfAddress, List<String> peerAddresses,
                                              String scope, Path storageDir) {
        return new RaftNodeConfig(memberName, selfAddress, peerAddresses, scope, storageDir, SafetyTiming.DEFAULT);
    }

    /** The host part of {@code selfAddress} (brackets of an IPv6 literal removed). */
    String selfHost() {
        String host = selfAddress.substring(0, selfAddress.lastIndexOf(':'));
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    int selfPort() {
        return Integer.parseInt(selfAddress.substring(selfAddress.lastIndexOf(':') + 1));
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + ": missing");
        }
    }

    private static void checkAddress(String address, String field) {
        requireText(address, field);
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException(field + ": '" + address + "' is not host:port");
        }
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(field + ": port of '" + address + "' is outside 1..65535");
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": port of '" + address + "' is not a number", e);
        }
    }
}
