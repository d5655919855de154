package io.raftgres.raft;

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
 * the field and the reason, including the lease safety rule of {@link RaftLease}:
 * {@code leaseDuration + RaftLease.CHECK_INTERVAL + RaftLease.FENCE_BUDGET + drift < electionTimeoutMin}
 * with drift = {@link RaftLease#DRIFT_PERCENT}% of {@code electionTimeoutMin}.
 *
 * @param memberName         this member's name (as in its published member record)
 * @param selfAddress        this member's Raft address; the Netty server listens on it
 * @param peerAddresses      every voting member's Raft address, this member's included
 * @param scope              cluster name; the Raft group id is derived from it
 * @param storageDir         directory for the Raft log, metadata and snapshots
 * @param electionTimeoutMin Ratis {@code raft.server.rpc.timeout.min} (ET_min)
 * @param electionTimeoutMax Ratis {@code raft.server.rpc.timeout.max}
 * @param heartbeatInterval  H: how often the leader commits a lease heartbeat
 * @param leaseDuration      L: how long after a heartbeat's send time the lease lasts once it commits
 */
public record RaftNodeConfig(String memberName, String selfAddress, List<String> peerAddresses, String scope,
                             Path storageDir, Duration electionTimeoutMin, Duration electionTimeoutMax,
                             Duration heartbeatInterval, Duration leaseDuration) {

    public static final Duration DEFAULT_ELECTION_TIMEOUT_MIN = Duration.ofMillis(2000);
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = Duration.ofMillis(2500);
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMillis(250);
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofMillis(1000);

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
        requirePositive(electionTimeoutMin, "electionTimeoutMin");
        requirePositive(electionTimeoutMax, "electionTimeoutMax");
        requirePositive(heartbeatInterval, "heartbeatInterval");
        requirePositive(leaseDuration, "leaseDuration");
        if (electionTimeoutMax.compareTo(electionTimeoutMin) < 0) {
            throw new IllegalArgumentException("electionTimeoutMax (" + electionTimeoutMax.toMillis()
                    + " ms) must not be below electionTimeoutMin (" + electionTimeoutMin.toMillis() + " ms)");
        }
        if (heartbeatInterval.multipliedBy(2).compareTo(leaseDuration) > 0) {
            throw new IllegalArgumentException("heartbeatInterval (" + heartbeatInterval.toMillis()
                    + " ms) must be at most half of leaseDuration (" + leaseDuration.toMillis()
                    + " ms) so that one late heartbeat does not drop the lease");
        }
        long budget = RaftLease.safetyBudgetMillis(leaseDuration, electionTimeoutMin);
        if (budget >= electionTimeoutMin.toMillis()) {
            throw new IllegalArgumentException("leaseDuration (" + leaseDuration.toMillis() + " ms) is unsafe: "
                    + "lease + check interval " + RaftLease.CHECK_INTERVAL.toMillis() + " ms + fence budget "
                    + RaftLease.FENCE_BUDGET.toMillis() + " ms + clock drift = " + budget
                    + " ms must stay below electionTimeoutMin (" + electionTimeoutMin.toMillis() + " ms)");
        }
    }

    /** A configuration with the default timing (ET 2000/2500 ms, H 250 ms, L 1000 ms). */
    public static RaftNodeConfig withDefaults(String memberName, String selfAddress, List<String> peerAddresses,
                                              String scope, Path storageDir) {
        return new RaftNodeConfig(memberName, selfAddress, peerAddresses, scope, storageDir,
                DEFAULT_ELECTION_TIMEOUT_MIN, DEFAULT_ELECTION_TIMEOUT_MAX, DEFAULT_HEARTBEAT_INTERVAL,
                DEFAULT_LEASE_DURATION);
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

    private static void requirePositive(Duration value, String field) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + ": must be a positive duration, not " + value);
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
