package io.raftgres.testkit;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedNetworkTest {

    private final FakeClock clock = new FakeClock(0);
    private final EventScheduler scheduler = new EventScheduler(clock, new Trace(5));
    private final SimulatedNetwork network = new SimulatedNetwork(scheduler, new SplittableRandom(1),
            List.of("n1", "n2", "n3"), SimulatedNetwork.DelayModel.DEFAULT);

    @Test
    void deliversEveryMessageInOrderPerLinkWithinTheDelayBounds() {
        List<Integer> received = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            network.send("n1", "n2", i, m -> {
                received.add(m);
                times.add(clock.nowMillis());
            });
        }
        scheduler.runFor(1_000);
        assertEquals(200, received.size());
        for (int i = 0; i < 200; i++) {
            assertEquals(i, received.get(i), "a message overtook an earlier one on the same link");
        }
        assertTrue(times.stream().allMatch(t -> t >= 1 && t <= 300), times.toString());
    }

    @Test
    void isolatedNodeNeitherSendsNorReceivesAndMessagesInFlightAreLost() {
        List<String> received = new ArrayList<>();
        network.send("n2", "n1", "in flight", received::add);
        network.isolate("n1");
        network.send("n1", "n2", "from isolated", received::add);
        network.send("n3", "n1", "to isolated", received::add);
        network.send("n2", "n3", "unaffected", received::add);
        scheduler.runFor(1_000);
        assertEquals(List.of("unaffected"), received);
        network.reconnect("n1");
        assertTrue(network.isConnected("n1", "n2"));
    }

    @Test
    void oneWayCutAndSplitAffectOnlyTheirLinks() {
        network.setLink("n1", "n2", false);
        assertFalse(network.isLinkUp("n1", "n2"));
        assertTrue(network.isLinkUp("n2", "n1"));
        assertFalse(network.isConnected("n1", "n2"));
        network.heal();
        network.split(Set.of("n3"));
        assertTrue(network.isConnected("n1", "n2"));
        assertFalse(network.isLinkUp("n3", "n1") || network.isLinkUp("n2", "n3"));
    }

    @Test
    void dropsEverythingAtLossOneAndAddsExtraDelay() {
        List<String> received = new ArrayList<>();
        network.setDropProbability(1.0);
        network.send("n1", "n2", "lost", received::add);
        network.setDropProbability(0);
        network.setExtraDelay("n1", "n2", 500, 600);
        List<Long> times = new ArrayList<>();
        network.send("n1", "n2", "slow", m -> times.add(clock.nowMillis()));
        scheduler.runFor(2_000);
        assertTrue(received.isEmpty());
        assertTrue(times.getFirst() >= 501, times.toString());
        assertThrows(IllegalArgumentException.class, () -> network.setDropProbability(1.5));
        assertThrows(IllegalArgumentException.class, () -> network.send("n1", "n9", "x", m -> { }));
    }
}
