package io.raftgres.agent.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the known key an unknown key was probably meant to be ("did you mean"), by edit
 * distance after folding case and treating {@code -} like {@code _}. Short keys allow one
 * edit, longer keys two, so unrelated keys are not suggested.
 */
final class KeySuggestion {
    private KeySuggestion() {
    }

    static Optional<String> closest(String unknown, Collection<String> known) {
        String folded = fold(unknown);
        int allowed = folded.length() < 5 ? 1 : 2;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(folded, fold(candidate));
            if (distance <= allowed && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    private static String fold(String key) {
        return key.toLowerCase(Locale.ROOT).replace('-', '_');
    }

    /** Levenshtein distance with adjacent transpositions counted as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int value = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    value = Math.min(value, d[i - 2][j - 2] + 1);
                }
                d[i][j] = value;
            }
        }
        return d[a.length()][b.length()];
    }
}
