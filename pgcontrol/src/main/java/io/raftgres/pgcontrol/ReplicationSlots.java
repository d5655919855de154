package io.raftgres.pgcontrol;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Physical replication slots named after members. A slot is "managed" when it is physical, not
 * temporary and its name has the form {@link #slotName} produces ({@code [a-z0-9_]{1,63}}); logical and
 * temporary slots are never touched. Stateless; callers pass a connection to the server to change.
 */
final class ReplicationSlots {

    private static final Logger log = LoggerFactory.getLogger(ReplicationSlots.class);
    private static final Pattern MANAGED = Pattern.compile("[a-z0-9_]{1,63}");
    private static final int MAX_LENGTH = 63;
    /** SQLSTATE duplicate_object: another session created the slot between our read and create. */
    private static final String DUPLICATE_OBJECT = "42710";

    private ReplicationSlots() {
    }

    /** What {@link #ensure} changed. */
    record Changes(List<String> created, List<String> dropped) {
    }

    /**
     * The slot name for a member: lower case, {@code -} and {@code .} become {@code _}, any other character
     * outside {@code [a-z0-9_]} becomes {@code u} plus its decimal code point (4 digits at least), cut to
     * 63 characters. Applying it to a slot name returns the same name.
     */
    static String slotName(String member) {
        if (member == null || member.isEmpty()) {
            throw new IllegalArgumentException("member name must not be empty");
        }
        StringBuilder out = new StringBuilder();
        member.toLowerCase(java.util.Locale.ROOT).codePoints().forEach(cp -> {
            if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '_') {
                out.appendCodePoint(cp);
            } else if (cp == '-' || cp == '.') {
                out.append('_');
            } else {
                out.append('u').append(String.format("%04d", cp));
            }
        });
        return out.length() <= MAX_LENGTH ? out.toString() : out.substring(0, MAX_LENGTH);
    }

    static boolean isManagedName(String slot) {
        return slot != null && MANAGED.matcher(slot).matches();
    }

    /** @throws IllegalArgumentException naming the first name that is not a managed slot name */
    static void requireManagedNames(Set<String> names) {
        for (String name : names) {
            if (!isManagedName(name)) {
                throw new IllegalArgumentException("not a member slot name (want [a-z0-9_]{1,63}): '" + name + "'");
            }
        }
    }

    /**
     * Creates the missing slots of {@code wanted} (reserving WAL at once) and drops managed slots outside
     * it that no one is using. An active unwanted slot is kept (its walsender still streams) and dropped
     * by a later call once inactive.
     *
     * @throws IllegalArgumentException when a wanted name is not a managed slot name
     */
    static Changes ensure(Connection c, Set<String> wanted) throws SQLException {
        requireManagedNames(wanted);
        Set<String> existing = new HashSet<>();
        List<String> inactiveUnwanted = new ArrayList<>();
        String sql = "select slot_name, active from pg_replication_slots where slot_type = 'physical' and not temporary";
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                String name = rs.getString(1);
                existing.add(name);
                if (!rs.getBoolean(2) && isManagedName(name) && !wanted.contains(name)) {
                    inactiveUnwanted.add(name);
                }
            }
        }
        List<String> created = new ArrayList<>();
        for (String name : wanted.stream().sorted().toList()) {
            if (!existing.contains(name) && create(c, name)) {
                created.add(name);
            }
        }
        List<String> dropped = new ArrayList<>();
        for (String name : inactiveUnwanted) {
            if (drop(c, name)) {
                dropped.add(name);
            }
        }
        return new Changes(created, dropped);
    }

    private static boolean create(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_create_physical_replication_slot(?, true)")) {
            ps.setString(1, name);
            ps.execute();
            return true;
        } catch (SQLException e) {
            if (DUPLICATE_OBJECT.equals(e.getSQLState())) {
                log.debug("slot {} was created concurrently", name);
                return false;
            }
            throw e;
        }
    }

    /** Drops a slot unless it became active since we looked (then it stays for a later call). */
    private static boolean drop(Connection c, String name) throws SQLException {
        String sql = "select pg_drop_replication_slot(slot_name) from pg_replication_slots"
                + " where slot_name = ? and not active";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
