package io.raftgres.core.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The takeover delay counted from a proven last contact, and the VIP's share of it, with the default timing. */
class TakeoverFromContactTest {

    private static final SafetyTiming T = SafetyTiming.DEFAULT;

    @Test
    void withoutAVipTheDelayFromTheElectionServesFromTheContact() {
        Duration fromElection = T.takeoverDelayWithGate();
        assertEquals(fromElection, SafetyTiming.takeoverDelayFromContact(fromElection, Duration.ZERO));
    }

    /**
     * Gated: the fence starts by 1380 + 100 ms after the heartbeat, the removal may take its bound, plus 20 ms of
     * drift. A frozen agent's VIP expires 1000 + renewal + lifetime + 1000 + 20 ms after it; the later one counts.
     */
    @Test
    void theVipIsGoneByTheFenceAndItsRemovalOrByItsLifetime() {
        assertEquals(Duration.ofMillis(1380 + 100 + 2500 + 20),
                T.vipGoneAfterHeartbeat(true, Duration.ofMillis(2500), Duration.ofMillis(1000), Duration.ZERO));
        assertEquals(Duration.ofMillis(1000 + 100 + 2500 + 20),
                T.vipGoneAfterHeartbeat(false, Duration.ofMillis(2500), Duration.ofMillis(1000), Duration.ZERO));
        assertEquals(Duration.ofMillis(1000 + 1000 + 5000 + 1000 + 20),
                T.vipGoneAfterHeartbeat(true, Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofSeconds(5)));
        Duration vip = T.vipGoneAfterHeartbeat(true, Duration.ofMillis(3500), Duration.ofMillis(1000),
                Duration.ofSeconds(2));
        assertEquals(Duration.ofMillis(5020), vip); // the frozen bound, 20 ms past the fence and removal
        assertEquals(vip, SafetyTiming.takeoverDelayFromContact(T.takeoverDelayWithGate(), vip));
    }
}
