package io.raftgres.ctl;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts (three lines of context, as {@code diff -u}), for edit-config to
 * show what it is about to write. Line-based longest common subsequence: configuration
 * documents are a few hundred lines at most.
 */
final class UnifiedDiff {

    private static final int CONTEXT = 3;

    private UnifiedDiff() {
    }

    /** The diff, or an empty string when the texts are equal. */
    static String of(String before, String after, String beforeName, String afterName) {
        List<String> a = before.lines().toList();
        List<String> b = after.lines().toList();
        List<Edit> edits = edits(a, b);
        if (edits.stream().allMatch(e -> e.op == ' ')) {
            return "";
        }
        StringBuilder out = new StringBuilder("--- ").append(beforeName).append('\n')
                .append("+++ ").append(afterName).append('\n');
        int i = 0;
        while (i < edits.size()) {
            if (edits.get(i).op == ' ') {
                i++;
                continue;
            }
            int start = Math.max(0, i - CONTEXT);
            // Extend the hunk while the next change is within 2 x CONTEXT unchanged lines.
            int last = i;
            for (int j = i; j < edits.size(); j++) {
                if (edits.get(j).op != ' ') {
                    if (j - last > 2 * CONTEXT) {
                        break;
                    }
                    last = j;
                }
            }
            int end = Math.min(edits.size(), last + CONTEXT + 1);
            hunk(out, edits, start, end);
            i = end;
        }
        return out.toString();
    }

    private static void hunk(StringBuilder out, List<Edit> edits, int start, int end) {
        Edit first = edits.get(start);
        int aCount = 0;
        int bCount = 0;
        for (int k = start; k < end; k++) {
            char op = edits.get(k).op;
            aCount += op != '+' ? 1 : 0;
            bCount += op != '-' ? 1 : 0;
        }
        out.append("@@ -").append(range(first.aLine, aCount)).append(" +").append(range(first.bLine, bCount))
                .append(" @@\n");
        for (int k = start; k < end; k++) {
            out.append(edits.get(k).op).append(edits.get(k).text).append('\n');
        }
    }

    private static String range(int line, int count) {
        return count == 0 ? (line - 1) + ",0" : count == 1 ? Integer.toString(line) : line + "," + count;
    }

    /** Each line kept (' '), removed ('-') or added ('+'), with its 1-based line in a and in b. */
    private static List<Edit> edits(List<String> a, List<String> b) {
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Edit> edits = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                edits.add(new Edit(' ', a.get(i), i + 1, j + 1));
                i++;
                j++;
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                edits.add(new Edit('-', a.get(i), i + 1, j + 1));
                i++;
            } else {
                edits.add(new Edit('+', b.get(j), i + 1, j + 1));
                j++;
            }
        }
        return edits;
    }

    private record Edit(char op, String text, int aLine, int bLine) {
    }
}
