package io.raftgres.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * PostgreSQL parameters as {@code GET /config} shows them: with the type YAML gave them, as
 * Patroni shows its configuration (numbers as numbers, booleans as booleans), so that clients
 * comparing or patching values (patronictl edit-config, Ansible roles) see what they wrote.
 *
 * <p>The replicated configuration keeps each parameter as the text PostgreSQL reads: YAML
 * booleans were stored as {@code on}/{@code off} and numbers in their written form. This turns
 * that text back into the value an unquoted YAML scalar of that text has: the YAML 1.1 boolean
 * words, integers without leading zeros, and decimals; everything else ({@code 32MB},
 * {@code replica}, {@code 0755}) stays text. A value written quoted in YAML ({@code '100'})
 * therefore shows as a number too. Stateless.
 */
final class ParameterValues {

    private static final Set<String> TRUE_WORDS = Set.of("on", "true", "yes");
    private static final Set<String> FALSE_WORDS = Set.of("off", "false", "no");
    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)\\.[0-9]+");

    private ParameterValues() {
    }

    /** A Boolean, a Long (a BigInteger beyond its range), a BigDecimal, or the text itself. */
    static Object yamlTyped(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (TRUE_WORDS.contains(lower)) {
            return Boolean.TRUE;
        }
        if (FALSE_WORDS.contains(lower)) {
            return Boolean.FALSE;
        }
        if (INTEGER.matcher(text).matches()) {
            BigInteger value = new BigInteger(text);
            return value.bitLength() < 64 ? (Object) value.longValue() : value;
        }
        if (DECIMAL.matcher(text).matches()) {
            return new BigDecimal(text);
        }
        return text;
    }
}
