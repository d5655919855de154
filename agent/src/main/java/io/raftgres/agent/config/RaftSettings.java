package io.raftgres.agent.config;

import io.raftgres.core.timing.SafetyTiming;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code raft} section: this member's place in the Raft group and the timings the
 * safety argument rests on (ARCHITECTURE §3).
 *
 * <p>Invariants established by {@link ConfigLoader}: {@code selfAddr} is not among the
 * partners, partners are distinct, the group size is odd unless
 * {@code allowUnsafeGroupSize}, and the timing rule holds:
 * {@code lease + leaseCheckInterval + fenceBudget + 1% of electionTimeoutMin < electionTimeoutMin},
 * {@code electionTimeoutMin < electionTimeoutMax}, {@code heartbeatInterval <= lease / 3}.
 *
 * @param selfAddr             address of this member's Raft server, advertised to the others
 * @param partnerAddrs         Raft addresses of the other members; empty (key absent) for a single-member group
 * @param dataDir              Raft log and snapshot directory
 * @param allowUnsafeGroupSize accept an even group size
 * @param electionTimeoutMin   Ratis minimum election timeout
 * @param electionTimeoutMax   Ratis maximum election timeout
 * @param heartbeatInterval    how often the leader's agent commits a lease heartbeat
 * @param lease                how long a committed heartbeat keeps the lease, from its send time
 * @param leaseCheckInterval   how often the agent checks its lease
 * @param fenceBudget          time allowed to fence (VIP off, PostgreSQL stopped) once the lease lapses
 */
public record RaftSettings(HostPort selfAddr, List<HostPort> partnerAddrs, Path dataDir,
                           boolean allowUnsafeGroupSize, Duration electionTimeoutMin, Duration electionTimeoutMax,
                           Duration heartbeatInterval, Duration lease, Duration leaseCheckInterval,
                           Duration fenceBudget) {
    static final Duration DEFAULT_ELECTION_TIMEOUT_MIN = SafetyTiming.DEFAULT.electionTimeoutMin();
    static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = SafetyTiming.DEFAULT.electionTimeoutMax();
    static final Duration DEFAULT_HEARTBEAT_INTERVAL = SafetyTiming.DEFAULT.heartbeatInterval();
    static final Duration DEFAULT_LEASE = SafetyTiming.DEFAULT.lease();
    static final Duration DEFAULT_LEASE_CHECK_INTERVAL = SafetyTiming.DEFAULT.leaseCheckInterval();
    static final Duration DEFAULT_FENCE_BUDGET = SafetyTiming.DEFAULT.fenceBudget();
    static final List<String> KEYS = List.of("self_addr", "partner_addrs", "data_dir", "allow_unsafe_group_size",
            "election_timeout_min", "election_timeout_max", "heartbeat_interval", "lease", "lease_check_interval",
            "fence_budget");

    public RaftSettings {
        Objects.requireNonNull(selfAddr, "selfAddr");
        partnerAddrs = List.copyOf(partnerAddrs);
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(electionTimeoutMin, "electionTimeoutMin");
        Objects.requireNonNull(electionTimeoutMax, "electionTimeoutMax");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(leaseCheckInterval, "leaseCheckInterval");
        Objects.requireNonNull(fenceBudget, "fenceBudget");
    }

    /** The timings the safety rule rests on, as every component that uses them takes them. */
    public SafetyTiming safety() {
        return new SafetyTiming(electionTimeoutMin, electionTimeoutMax, heartbeatInterval, lease, leaseCheckInterval,
                fenceBudget);
    }

    /** Number of voting members: this one plus its partners. */
    public int groupSize() {
        return partnerAddrs.size() + 1;
    }

    /** Every member's Raft address, this member first. */
    public List<HostPort> allAddrs() {
        List<HostPort> all = new ArrayList<>(groupSize());
        all.add(selfAddr);
        all.addAll(partnerAddrs);
        return List.copyOf(all);
    }

    static RaftSettings read(YamlSection s) {
        int before = s.problems().count();
        s.rejectUnknownKeys(KEYS);
        HostPort self = s.hostPort("self_addr", null);
        if (self != null && self.isWildcard()) {
            s.problem("self_addr", "must be an address the other members can reach, not the wildcard " + self.host());
        }
        List<HostPort> partners = readPartners(s);
        Path dataDir = s.absolutePath("data_dir", null);
        Boolean allowUnsafe = s.bool("allow_unsafe_group_size", false);
        if (self != null && partners != null && allowUnsafe != null) {
            checkMembership(s, self, partners, allowUnsafe);
        }
        Duration etMin = s.duration("election_timeout_min", DEFAULT_ELECTION_TIMEOUT_MIN);
        Duration etMax = s.duration("election_timeout_max", DEFAULT_ELECTION_TIMEOUT_MAX);
        Duration heartbeat = s.duration("heartbeat_interval", DEFAULT_HEARTBEAT_INTERVAL);
        Duration lease = s.duration("lease", DEFAULT_LEASE);
        Duration check = s.duration("lease_check_interval", DEFAULT_LEASE_CHECK_INTERVAL);
        Duration fence = s.duration("fence_budget", DEFAULT_FENCE_BUDGET);
        if (etMin != null && etMax != null && heartbeat != null && lease != null && check != null && fence != null) {
            TimingRule.check(s, new SafetyTiming(etMin, etMax, heartbeat, lease, check, fence));
        }
        return s.problems().count() == before
                ? new RaftSettings(self, partners, dataDir, allowUnsafe, etMin, etMax, heartbeat, lease, check, fence)
                : null;
    }

    /** Partners as a YAML list or one comma-separated string (the form environment variables use). */
    private static List<HostPort> readPartners(YamlSection s) {
        Object raw = s.raw("partner_addrs");
        List<?> items = raw instanceof String text ? List.of(text.split(",", -1)) : s.list("partner_addrs");
        if (items == null) {
            return null;
        }
        List<HostPort> partners = new ArrayList<>();
        boolean valid = true;
        for (int i = 0; i < items.size(); i++) {
            String key = s.keyOf("partner_addrs") + "[" + i + "]";
            if (!(items.get(i) instanceof String text)) {
                s.problems().add(key, "must be host:port text, found " + YamlSection.describe(items.get(i)));
                valid = false;
            } else if (text.isBlank()) {
                // An empty environment value means "no partners"; an empty entry inside a list is a slip.
                if (!(raw instanceof String) || items.size() > 1) {
                    s.problems().add(key, "must not be empty");
                    valid = false;
                }
            } else {
                HostPort partner = s.hostPortOf(key, text);
                valid &= partner != null;
                partners.add(partner);
            }
        }
        return valid ? partners : null;
    }

    private static void checkMembership(YamlSection s, HostPort self, List<HostPort> partners, boolean allowUnsafe) {
        String key = s.keyOf("partner_addrs");
        boolean clean = true;
        for (int i = 0; i < partners.size(); i++) {
            HostPort partner = partners.get(i);
            if (partner.isWildcard()) {
                s.problems().add(key + "[" + i + "]", "must be an address this member can reach, not the wildcard "
                        + partner.host());
                clean = false;
            }
            if (partner.sameEndpoint(self)) {
                s.problems().add(key + "[" + i + "]", "is this member's own self_addr; list only the other members");
                clean = false;
            }
            for (int j = 0; j < i; j++) {
                if (partner.sameEndpoint(partners.get(j))) {
                    s.problems().add(key + "[" + i + "]", "duplicates " + key + "[" + j + "] (" + partner + ")");
                    clean = false;
                }
            }
        }
        int size = partners.size() + 1;
        if (clean && size % 2 == 0 && !allowUnsafe) {
            s.problems().add(key, evenGroupReason(size));
        }
    }

    private static String evenGroupReason(int size) {
        String why = size == 2
                ? "a group of 2 cannot survive the loss of either member (both are needed for a majority) and"
                        + " so gains nothing over a single member"
                : "a group of " + size + " needs " + (size / 2 + 1) + " members for a majority and survives the"
                        + " loss of " + (size - 1) / 2 + ", no more than a group of " + (size - 1);
        return "group size " + size + " (this member plus " + (size - 1) + (size == 2 ? " partner" : " partners")
                + ") is refused: " + why
                + "; use an odd number of members, or set raft.allow_unsafe_group_size: true";
    }
}
