package io.raftgres.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raftgres.core.model.ClusterState;
import io.raftgres.statemachine.ApplyResult;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplyCodecTest {

    @Test
    void carriesAcceptanceAndTheRejectionSentence() {
        ClusterState state = ClusterState.empty("demo");
        assertEquals(new ReplyCodec.Outcome(true, null),
                ReplyCodec.decode(ReplyCodec.encode(new ApplyResult(state, true, null))));
        assertEquals(new ReplyCodec.Outcome(false, "config version is 2, not 1"),
                ReplyCodec.decode(ReplyCodec.encode(new ApplyResult(state, false, "config version is 2, not 1"))));
    }

    @Test
    void rejectsUnreadableReplies() {
        assertThrows(IllegalArgumentException.class, () -> ReplyCodec.decode("ok".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> ReplyCodec.decode("{}".getBytes(StandardCharsets.UTF_8)));
    }
}
