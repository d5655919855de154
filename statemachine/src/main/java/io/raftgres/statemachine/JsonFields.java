package io.raftgres.statemachine;

import io.raftgres.core.model.Lsn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * Typed, strict reads from one JSON object of the replicated format. Every failure is an
 * {@link IllegalArgumentException} naming the field and where it sits ({@code context}), so a
 * corrupt log entry or snapshot says exactly what is wrong. Unknown fields are ignored.
 * Not thread-safe; used for the duration of one decode.
 */
final class JsonFields {

    private final JsonNode node;
    private final String context;

    JsonFields(JsonNode node, String context) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(context + ": expected a JSON object");
        }
        this.node = node;
        this.context = context;
    }

    String context() {
        return context;
    }

    String string(String field) {
        String value = optString(field);
        if (value == null) {
            throw new IllegalArgumentException(context + ": missing text field '" + field + "'");
        }
        return value;
    }

    String optString(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new IllegalArgumentException(context + ": field '" + field + "' must be text");
        }
        return value.stringValue();
    }

    long longValue(String field) {
        JsonNode value = present(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException(context + ": field '" + field + "' must be an integer");
        }
        return value.longValue();
    }

    /** The integer in {@code field}, or {@code absent} when the field is missing or null. */
    long longValue(String field, long absent) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? absent : longValue(field);
    }

    int intValue(String field) {
        JsonNode value = present(field);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException(context + ": field '" + field + "' must be a 32-bit integer");
        }
        return value.intValue();
    }

    /** An optional integer field (added in a later format): {@code absent} when missing or null. */
    int optInt(String field, int absent) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? absent : intValue(field);
    }

    boolean bool(String field) {
        JsonNode value = present(field);
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(context + ": field '" + field + "' must be true or false");
        }
        return value.booleanValue();
    }

    /** The boolean in {@code field}, or {@code absent} when missing or null (fields added later). */
    boolean optBool(String field, boolean absent) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? absent : bool(field);
    }

    /** A WAL position written as PostgreSQL's {@code X/Y} text, or null. */
    Lsn optLsn(String field) {
        String text = optString(field);
        if (text == null) {
            return null;
        }
        try {
            return Lsn.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(context + ": field '" + field + "': " + e.getMessage(), e);
        }
    }

    <E extends Enum<E>> E optEnum(String field, Class<E> type) {
        String text = optString(field);
        if (text == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(context + ": field '" + field + "' has unknown value '" + text + "'", e);
        }
    }

    JsonFields object(String field) {
        JsonFields value = optObject(field);
        if (value == null) {
            throw new IllegalArgumentException(context + ": missing object field '" + field + "'");
        }
        return value;
    }

    JsonFields optObject(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        return new JsonFields(value, context + "." + field);
    }

    /** The elements of an array of objects, each with its own context for error messages. */
    List<JsonFields> objects(String field) {
        JsonNode value = present(field);
        if (!value.isArray()) {
            throw new IllegalArgumentException(context + ": field '" + field + "' must be an array");
        }
        List<JsonFields> result = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            result.add(new JsonFields(value.get(i), context + "." + field + "[" + i + "]"));
        }
        return result;
    }

    /** The field names of this object, in document order. */
    List<String> names() {
        List<String> out = new ArrayList<>();
        node.propertyNames().forEach(out::add);
        return out;
    }

    /** An array of texts. */
    List<String> strings(String field) {
        JsonNode value = present(field);
        if (!value.isArray()) {
            throw new IllegalArgumentException(context + ": field '" + field + "' must be an array");
        }
        List<String> result = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isString()) {
                throw new IllegalArgumentException(context + "." + field + "[" + i + "]: must be a string");
            }
            result.add(value.get(i).stringValue());
        }
        return result;
    }

    /** An object of text values, as a sorted map. */
    Map<String, String> stringMap(String field) {
        JsonFields map = object(field);
        Map<String, String> result = new TreeMap<>();
        for (String key : map.node.propertyNames()) {
            result.put(key, map.string(key));
        }
        return result;
    }

    private JsonNode present(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException(context + ": missing field '" + field + "'");
        }
        return value;
    }
}
