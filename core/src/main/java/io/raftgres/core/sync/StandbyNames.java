package io.raftgres.core.sync;

import io.raftgres.core.model.SyncMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One value of PostgreSQL's {@code synchronous_standby_names} as raftgres renders it: the replicas
 * that must confirm, how many of them, and whether the lease gate is required as well.
 *
 * <p>PostgreSQL 15 accepts one rule, {@code FIRST n (list)} or {@code ANY n (list)}, and no nesting,
 * so "the gate and any q of these replicas" cannot be written directly. raftgres renders:
 * <ul>
 *   <li>{@link SyncMode#OFF}: {@code FIRST 1 (gate)} with the gate, else nothing;</li>
 *   <li>{@link SyncMode#ON}: {@code FIRST k+1 (gate, r1..rk)}: exactly the required names, so every
 *       one of them, the gate included, confirms (a spare name would let PostgreSQL skip a
 *       disconnected one); without the gate {@code FIRST k (r1..rk)};</li>
 *   <li>{@link SyncMode#QUORUM}: {@code ANY q+1 (gate, r1..rn)}: any q+1 confirmations include at
 *       least q replicas, so the gate never stands in for a replica; while the gate is silent (its
 *       agent died, froze or lost the lease) q+1 replicas are needed. Without the gate
 *       {@code ANY q (r1..rn)}.</li>
 * </ul>
 *
 * @param mode     how the replicas confirm (OFF: none)
 * @param replicas the listed replicas, in priority order (ON) or any order (QUORUM)
 * @param count    replica confirmations required (ON: replicas' size; QUORUM: q; OFF: 0)
 * @param gate     the lease gate is listed
 */
public record StandbyNames(SyncMode mode, List<String> replicas, int count, boolean gate) {

    /** The lease gate's application_name (pgcontrol's LeaseGate uses the same). */
    public static final String GATE = "raftgres_gate";
    /** Listed in strict mode when no standby is known: no such standby exists, so commits wait. */
    public static final String PLACEHOLDER = "raftgres_no_sync_standby";

    public StandbyNames {
        replicas = List.copyOf(replicas);
    }

    /**
     * What a standby without the gate carries in a synchronous mode: {@code FIRST 1 (placeholder)}.
     * PostgreSQL ignores it until a promotion; then commits wait until the new primary's planner
     * publishes its own state and writes its own list, as a gated primary's wait for its gate.
     */
    public static StandbyNames hold() {
        return new StandbyNames(SyncMode.ON, List.of(PLACEHOLDER), 1, false);
    }

    public static StandbyNames async(boolean gate) {
        return new StandbyNames(SyncMode.OFF, List.of(), 0, gate);
    }

    /** The text for postgresql.conf / ALTER SYSTEM; empty for no synchronous standby at all. */
    public String render() {
        List<String> names = new ArrayList<>();
        if (gate) {
            names.add(GATE);
        }
        names.addAll(replicas);
        if (names.isEmpty() || mode == SyncMode.OFF && !gate) {
            return "";
        }
        if (mode == SyncMode.OFF) {
            return "FIRST 1 (" + GATE + ")";
        }
        int required = count + (gate ? 1 : 0);
        String keyword = mode == SyncMode.QUORUM ? "ANY" : "FIRST";
        return keyword + " " + required + " (" + String.join(", ", names.stream().map(StandbyNames::quote).toList())
                + ")";
    }

    /**
     * Reads back a value rendered by {@link #render} (PostgreSQL returns it as set); empty for a
     * value raftgres did not write (a user's own), so callers replace it.
     */
    public static Optional<StandbyNames> parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            return Optional.of(async(false));
        }
        int open = t.indexOf('(');
        if (open < 0 || !t.endsWith(")")) {
            return Optional.empty();
        }
        String[] head = t.substring(0, open).trim().split("\\s+");
        if (head.length != 2) {
            return Optional.empty();
        }
        int required;
        try {
            required = Integer.parseInt(head[1]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        for (String part : t.substring(open + 1, t.length() - 1).split(",")) {
            String name = part.trim();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1).replace("\"\"", "\"");
            }
            names.add(name);
        }
        boolean gate = !names.isEmpty() && names.getFirst().equals(GATE);
        List<String> replicas = gate ? names.subList(1, names.size()) : names;
        int count = required - (gate ? 1 : 0);
        String keyword = head[0].toUpperCase(Locale.ROOT);
        if (keyword.equals("FIRST") && gate && replicas.isEmpty() && required == 1) {
            return Optional.of(async(true));
        }
        SyncMode mode = keyword.equals("ANY") ? SyncMode.QUORUM : keyword.equals("FIRST") ? SyncMode.ON : null;
        if (mode == null || count < 1 || count > replicas.size()
                || mode == SyncMode.ON && count != replicas.size()) {
            return Optional.empty();
        }
        return Optional.of(new StandbyNames(mode, replicas, count, gate));
    }

    /**
     * Whether PostgreSQL can acknowledge no commit without the gate's confirmation: the gate is listed and
     * fewer other names than the rule requires remain, so every set of confirmations that releases a commit
     * includes it. True for {@code FIRST 1 (gate)} and {@code FIRST k+1 (gate, r1..rk)}; false for a quorum
     * list whose replicas alone can reach the count ({@code ANY 2 (gate, a, b)}).
     */
    public boolean requiresGate() {
        if (!gate) {
            return false;
        }
        int required = mode == SyncMode.OFF ? 1 : count + 1;
        return replicas.size() < required;
    }

    private static String quote(String name) {
        return name.matches("[a-z_][a-z0-9_]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
