package io.raftgres.pgcontrol;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns PostgreSQL's messages about a postgresql.conf into one verdict per refused parameter. Pure apart
 * from the {@code check} function it is given, which runs the server's parser on a configuration text and
 * returns its messages (empty when it accepts the file).
 *
 * <p>PostgreSQL reports every unknown name and then stops before it looks at values, so a second check
 * without the unknown names finds the bad values. A later line for the same name hides an earlier one,
 * which cannot happen here: a YAML mapping has unique keys.
 */
public final class ParameterVerdicts {

    /** One refused parameter: PostgreSQL's reason, and whether the name itself is unknown. */
    public record Refusal(String reason, boolean unknownName) {
    }

    /** Parameters that older PostgreSQL versions had, with what replaced them. */
    static final Map<String, String> REMOVED = Map.of(
            "wal_keep_segments", "PostgreSQL 13 replaced it with wal_keep_size (a size such as 128MB, not a count"
                    + " of 16 MB segments)",
            "checkpoint_segments", "PostgreSQL 9.5 replaced it with max_wal_size",
            "standby_mode", "PostgreSQL 12 replaced it with a standby.signal file, which raftgres writes itself",
            "trigger_file", "PostgreSQL 12 renamed it promote_trigger_file; raftgres promotes with pg_ctl promote",
            "stats_temp_directory", "PostgreSQL 15 removed it: statistics live in shared memory",
            "unix_socket_directory", "PostgreSQL 9.3 replaced it with unix_socket_directories, which raftgres sets",
            "min_parallel_relation_size", "PostgreSQL 10 replaced it with min_parallel_table_scan_size",
            "operator_precedence_warning", "PostgreSQL 14 removed it");

    private static final Pattern MESSAGE = Pattern.compile("\\b(LOG|WARNING|ERROR|FATAL|HINT|DETAIL):\\s+(.*)$");
    private static final Pattern UNKNOWN = Pattern.compile("unrecognized configuration parameter \"([^\"]+)\"");
    private static final Pattern NAMED = Pattern.compile("parameter \"([^\"]+)\"");
    /** The " in file ... line N" tail of PostgreSQL's messages: the file is a scratch copy, not the operator's. */
    private static final Pattern FILE_TAIL = Pattern.compile(" in file \"[^\"]*\" line \\d+");

    private final int major;

    ParameterVerdicts(int major) {
        this.major = major;
    }

    /** The first column of {@code postgres --describe-config}: one parameter per line, tab-separated. */
    static Set<String> names(String describeConfig) {
        Set<String> names = new TreeSet<>();
        for (String line : describeConfig.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                names.add(line.substring(0, tab));
            }
        }
        return names;
    }

    /**
     * @param parameters names and values as configured
     * @param check      runs the server's parser on a postgresql.conf text, returns its messages
     * @return refused names (as configured) with their verdicts, in configuration order
     */
    Map<String, Refusal> judge(Map<String, String> parameters, UnaryOperator<String> check) {
        Map<String, String> byCanonical = new LinkedHashMap<>();
        parameters.keySet().forEach(name -> byCanonical.put(name.toLowerCase(Locale.ROOT), name));
        Map<String, Refusal> refused = new LinkedHashMap<>();
        collect(check.apply(render(parameters)), byCanonical, refused);
        if (refused.values().stream().anyMatch(Refusal::unknownName)) {
            Map<String, String> known = new LinkedHashMap<>(parameters);
            known.keySet().removeAll(refused.keySet());
            if (!known.isEmpty()) {
                collect(check.apply(render(known)), byCanonical, refused);
            }
        }
        return refused;
    }

    /** The lines raftgres would write to postgresql.conf for these parameters. */
    static String render(Map<String, String> parameters) {
        StringBuilder out = new StringBuilder();
        parameters.forEach((name, value) -> out.append(name).append(" = ")
                .append(PgConfigRenderer.confQuote(value)).append('\n'));
        return out.toString();
    }

    private void collect(String messages, Map<String, String> byCanonical, Map<String, Refusal> refused) {
        String current = null;
        boolean any = false;
        for (String line : messages.split("\n")) {
            Matcher m = MESSAGE.matcher(line);
            if (!m.find()) {
                continue;
            }
            String level = m.group(1);
            String text = FILE_TAIL.matcher(m.group(2).strip()).replaceAll("");
            if ((level.equals("HINT") || level.equals("DETAIL")) && current != null) {
                Refusal r = refused.get(current);
                refused.put(current, new Refusal(r.reason() + " (" + text + ")", r.unknownName()));
                continue;
            }
            current = null;
            Matcher unknown = UNKNOWN.matcher(text);
            Matcher named = NAMED.matcher(text);
            if (unknown.find()) {
                current = byCanonical.get(unknown.group(1).toLowerCase(Locale.ROOT));
                if (current != null) {
                    refused.put(current, new Refusal("PostgreSQL " + major + " has no parameter of this name",
                            true));
                }
            } else if (named.find()) {
                current = byCanonical.get(named.group(1).toLowerCase(Locale.ROOT));
                if (current != null) {
                    refused.put(current, new Refusal("PostgreSQL " + major + " refuses it: " + text, false));
                }
            }
            any |= current != null;
        }
        if (!any && !messages.isBlank()) {
            throw new IllegalStateException("PostgreSQL refused the parameters without naming one: "
                    + messages.strip());
        }
    }
}
