package io.raftgres.it;

import java.util.List;
import java.util.Set;

/**
 * What the {@link VipObserver}'s samples show about one scenario: whether two hosts ever held
 * the VIP at once, how long no host held it, and when it (and the client's ARP entry) moved to
 * a given member. Times are scenario milliseconds. Immutable.
 */
public record VipTimeline(List<VipObserver.Sample> samples) {

    public VipTimeline {
        samples = List.copyOf(samples);
    }

    /** Samples in which more than one host held the VIP: each one is a split VIP. */
    public List<VipObserver.Sample> onSeveralHosts() {
        return samples.stream().filter(s -> s.holders().size() > 1).toList();
    }

    /** The longest stretch, from the first sample at or after {@code fromMillis}, in which no host held the VIP. */
    public long longestAbsenceMillis(long fromMillis) {
        long longest = 0;
        Long since = null;
        for (VipObserver.Sample s : samples) {
            if (s.atMillis() < fromMillis) {
                continue;
            }
            if (s.holders().isEmpty()) {
                since = since == null ? s.atMillis() : since;
                longest = Math.max(longest, s.atMillis() - since);
            } else {
                since = null;
            }
        }
        return longest;
    }

    /** When {@code member} was first the only holder at or after {@code fromMillis}, or -1. */
    public long firstSoleHolderMillis(String member, long fromMillis) {
        return samples.stream().filter(s -> s.atMillis() >= fromMillis && s.holders().equals(Set.of(member)))
                .mapToLong(VipObserver.Sample::atMillis).findFirst().orElse(-1);
    }

    /** When the client's ARP entry for the VIP first named {@code member} at or after {@code fromMillis}, or -1. */
    public long firstClientReachMillis(String member, long fromMillis) {
        return samples.stream().filter(s -> s.atMillis() >= fromMillis && member.equals(s.clientReaches()))
                .mapToLong(VipObserver.Sample::atMillis).findFirst().orElse(-1);
    }

    /** The holders of the last sample (empty when none was taken). */
    public Set<String> lastHolders() {
        return samples.isEmpty() ? Set.of() : samples.getLast().holders();
    }
}
