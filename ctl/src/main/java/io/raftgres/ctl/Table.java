package io.raftgres.ctl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rows under named columns, printed as patronictl prints them: {@code pretty} (a bordered table
 * whose top border carries the title, numbers right-aligned), {@code tsv}, {@code json} (a list
 * of objects) or {@code yaml}.
 *
 * @param title       the pretty title (e.g. {@code Cluster: demo (7441...)}), or null
 * @param rightAligned columns whose cells are right-aligned in {@code pretty}
 */
record Table(String title, List<String> columns, List<List<Object>> rows, Set<String> rightAligned) {

    String render(OutputFormat format) {
        return switch (format) {
            case PRETTY -> pretty();
            case TSV -> tsv();
            case JSON -> Documents.toJson(objects()) + "\n";
            case YAML -> Documents.toYaml(objects());
        };
    }

    /** Each row as {@code {column: value}}; empty cells are left out, as patronictl does. */
    List<Map<String, Object>> objects() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<Object> row : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                Object v = row.get(i);
                if (v != null && !"".equals(v)) {
                    m.put(columns.get(i), v);
                }
            }
            out.add(m);
        }
        return out;
    }

    private String tsv() {
        StringBuilder b = new StringBuilder(String.join("\t", columns)).append('\n');
        for (List<Object> row : rows) {
            b.append(String.join("\t", row.stream().map(Table::text).toList())).append('\n');
        }
        return b.toString();
    }

    private String pretty() {
        int[] width = new int[columns.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = columns.get(i).length();
            for (List<Object> row : rows) {
                width[i] = Math.max(width[i], text(row.get(i)).length());
            }
        }
        StringBuilder border = new StringBuilder("+");
        for (int w : width) {
            border.append("-".repeat(w + 2)).append('+');
        }
        StringBuilder b = new StringBuilder();
        b.append(titled(border.toString())).append('\n');
        b.append(line(columns.stream().map(c -> (Object) c).toList(), width, true)).append('\n');
        b.append(border).append('\n');
        for (List<Object> row : rows) {
            b.append(line(row, width, false)).append('\n');
        }
        b.append(border).append('\n');
        return b.toString();
    }

    /** The top border with the title written over its start, as patronictl's {@code + Cluster: ...}. */
    private String titled(String border) {
        if (title == null) {
            return border;
        }
        String head = "+ " + title + " ";
        return head.length() < border.length() ? head + border.substring(head.length()) : head + "+";
    }

    private String line(List<Object> cells, int[] width, boolean header) {
        StringBuilder b = new StringBuilder("|");
        for (int i = 0; i < width.length; i++) {
            String t = text(cells.get(i));
            String pad = " ".repeat(width[i] - t.length());
            boolean right = !header && rightAligned.contains(columns.get(i));
            b.append(' ').append(right ? pad + t : t + pad).append(" |");
        }
        return b.toString();
    }

    private static String text(Object o) {
        return o == null ? "" : o.toString();
    }
}
