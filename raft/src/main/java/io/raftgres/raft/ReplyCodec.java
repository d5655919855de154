package io.raftgres.raft;

import io.raftgres.statemachine.ApplyResult;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Raft reply that carries an {@link ApplyResult} back to the submitter:
 * {@code {"accepted":true}} or {@code {"accepted":false,"rejection":"..."}}. The state itself
 * does not travel (each member has its own replica). Stateless; safe from any thread.
 */
final class ReplyCodec {

    /** Outcome of one applied command as decoded from a reply. */
    record Outcome(boolean accepted, String rejection) {
    }

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private ReplyCodec() {
    }

    static byte[] encode(ApplyResult result) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("accepted", result.accepted());
        if (!result.accepted()) {
            node.put("rejection", result.rejection());
        }
        return MAPPER.writeValueAsBytes(node);
    }

    /** Decodes a reply; anything unreadable is an IllegalArgumentException quoting the reply. */
    static Outcome decode(byte[] bytes) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node != null && node.isObject() && node.path("accepted").isBoolean()) {
                boolean accepted = node.get("accepted").booleanValue();
                JsonNode rejection = node.get("rejection");
                return new Outcome(accepted, rejection == null || rejection.isNull() ? null : rejection.asString());
            }
        } catch (JacksonException e) {
            throw new IllegalArgumentException("unreadable apply reply: " + text(bytes), e);
        }
        throw new IllegalArgumentException("unreadable apply reply: " + text(bytes));
    }

    private static String text(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
