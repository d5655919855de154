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
     * Without a lifetime (gated): the fence starts by 1380 + 100 ms after the heartbeat, the removal may take its
     * bound, plus 20 ms of drift. With one: every add or renewal starts within the window (500 ms) of the heartbeat
     * behind the lease, may set the lifetime up to its bound later, and the kernel deletes the address lifetime + 1 s
     * after that, whether the agent's host is frozen or alive (the fence may only come sooner); 1 % of that span
     * allows for the clocks' drift.
     */
    @Test
    void theVipIsGoneByTheFenceAndItsRemovalOrByItsLifetime() {
        assertEquals(Duration.ofMillis(1380 + 100 + 2500 + 20),
                T.vipGoneAfterHeartbeat(true, Duration.ofMillis(2500), Duration.ofMillis(1000), Duration.ZERO));
        assertEquals(Duration.ofMillis(1000 + 100 + 2500 + 20),
                T.vipGoneAfterHeartbeat(false, Duration.ofMillis(2500), Duration.ofMillis(1000), Duration.ZERO));
        assertEquals(Duration.ofMillis(7500 + 75), // window, set bound, lifetime, rounding, and 1 % of them for drift
                T.vipGoneAfterHeartbeat(true, Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofSeconds(5)));
        Duration vip = T.vipGoneAfterHeartbeat(true, Duration.ofMillis(3500), Duration.ofMillis(1000),
                Duration.ofSeconds(1));
        assertEquals(Duration.ofMillis(3535), vip, "the defaults: window, set bound, lifetime, rounding, drift");
        assertEquals(vip, SafetyTiming.takeoverDelayFromContact(T.takeoverDelayWithGate(), vip));
    }

    /** The window is two heartbeat intervals, never more than the lease; an add or renewal needs the rest left. */
    @Test
    void theVipsLifetimeIsSetWithinTwoHeartbeatsOfTheLeasesHeartbeat() {
        assertEquals(Duration.ofMillis(500), T.vipSetWindow());
        assertEquals(Duration.ofMillis(500), T.vipSetLeaseLeft());
        SafetyTiming longBeats = SafetyTiming.ofMillis(2000, 2500, 600, 1000, 100, 500);
        assertEquals(Duration.ofMillis(1000), longBeats.vipSetWindow());
        assertEquals(Duration.ZERO, longBeats.vipSetLeaseLeft());
    }

    /**
     * Counted from the election, which may come right after the old leader's last acknowledged heartbeat (a vote after
     * a pre-vote and one more heartbeat): the whole VIP bound, 3.535 s with the defaults, when longer than the delay.
     */
    @Test
    void theWaitFromTheElectionCoversTheWholeVipBound() {
        Duration fromElection = T.takeoverDelayWithGate();
        assertEquals(Duration.ofMillis(3535), SafetyTiming.takeoverDelayFromElection(fromElection, Duration.ofMillis(3535)));
        assertEquals(fromElection, SafetyTiming.takeoverDelayFromElection(fromElection, Duration.ofMillis(1500)));
        assertEquals(fromElection, SafetyTiming.takeoverDelayFromElection(fromElection, Duration.ZERO));
    }
}
