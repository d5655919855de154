package io.raftgres.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.agent.config.HostPort;
import io.raftgres.vip.CommandResult;
import io.raftgres.vip.ProcessCommandRunner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTimersTest {

    /** Lines as iproute2 6.1 prints them for {@code ip -o route get} (checked in the suite's node image). */
    private static final String TUNED = "10.9.1.7 dev eth0 src 10.9.0.2 uid 0 \\    cache rto_min lock 20ms quickack 1";
    private static final String DEFAULTS = "10.9.2.7 dev eth0 src 10.9.0.2 uid 0 \\    cache";

    @Test
    void aRouteIsTunedOnlyWithBothMetrics() {
        assertTrue(RouteTimers.tuned(TUNED));
        assertTrue(RouteTimers.tuned("10.9.1.7 dev eth0 src 10.9.0.2 uid 0 \\    cache rto_min 5ms quickack 1"));
        assertTrue(RouteTimers.tuned("10.9.1.7 dev eth0 cache rto_min lock 20000us quickack 1"));
        assertFalse(RouteTimers.tuned("10.9.1.7 dev eth0 cache rto_min lock 1s quickack 1"), "no lower than the kernel's");
        assertFalse(RouteTimers.tuned("10.9.1.7 dev eth0 cache rto_min lock 200ms quickack 1"), "the kernel's own floor");
        assertFalse(RouteTimers.tuned(DEFAULTS));
        assertFalse(RouteTimers.tuned("10.9.1.7 dev eth0 cache rto_min lock 20ms"));
        assertFalse(RouteTimers.tuned("10.9.1.7 dev eth0 cache quickack 1"));
        assertFalse(RouteTimers.tuned("10.9.1.7 dev eth0 cache rto_min 20ms quickack 0"));
        assertFalse(RouteTimers.tuned("10.9.1.7 dev eth0 cache rto_min 20ms quickack"));
    }

    @Test
    void namesEveryMemberWhoseRouteKeepsTheDefaultsAndSaysNothingWhenAllAreTuned() {
        List<List<String>> asked = new ArrayList<>();
        List<String> lines = RouteTimers.check(List.of(new HostPort("10.9.1.7", 5010), new HostPort("10.9.2.7", 5010)),
                "ip", (argv, timeout) -> {
                    asked.add(argv);
                    return CommandResult.exited(0, argv.get(4).equals("10.9.1.7") ? TUNED : DEFAULTS);
                });
        assertEquals(List.of(List.of("ip", "-o", "route", "get", "10.9.1.7"), List.of("ip", "-o", "route", "get",
                "10.9.2.7")), asked);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("the route to 10.9.2.7:5010 keeps the kernel's TCP timers"), lines.get(0));
        assertTrue(lines.get(0).contains("rto_min 20ms quickack 1"), lines.get(0));
        assertEquals(List.of(), RouteTimers.check(List.of(new HostPort("10.9.1.7", 5010)), "ip",
                (argv, timeout) -> CommandResult.exited(0, TUNED)));
    }

    @Test
    void loopbackMembersAreNotAskedAbout() {
        assertEquals(List.of(), RouteTimers.check(List.of(new HostPort("127.0.0.1", 5011)), "ip",
                (argv, timeout) -> {
                    throw new AssertionError("loopback is not asked about: " + argv);
                }));
    }

    @Test
    void aRouteThatCannotBeReadIsSaidOnceAndTheOthersAreStillChecked() {
        List<String> lines = RouteTimers.check(List.of(new HostPort("10.9.2.7", 5010), new HostPort("10.9.3.7", 5010)),
                "ip", (argv, timeout) -> argv.get(4).equals("10.9.2.7")
                        ? CommandResult.failedToRun("ip: not found") : CommandResult.exited(0, DEFAULTS));
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("the route to 10.9.3.7:5010 keeps"), lines.get(0));
        assertTrue(lines.get(1).startsWith("could not read the route to 10.9.2.7:5010 (ip: did not run: ip: not found)"),
                lines.get(1));
    }

    /** The real process path: a stand-in for ip that prints what it was asked, which shows no tuned route. */
    @Test
    void runsTheToolAsAProcess() {
        List<String> lines = RouteTimers.check(List.of(new HostPort("10.9.2.7", 5010)), "echo",
                new ProcessCommandRunner());
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("10.9.2.7:5010"), lines.get(0));
    }
}
