package io.raftgres.it;

import java.time.Duration;
import java.util.List;

/**
 * Waits for a raftgres cluster to be healthy as its users see it: exactly one member answers
 * 200 on {@code /primary}, every other answers 200 on {@code /replica}, and the primary's
 * {@code pg_stat_replication} shows all of them streaming. Called from the test thread.
 */
public final class ClusterHealth {

    private static final Duration POLL = Duration.ofMillis(500);

    private ClusterHealth() {
    }

    /**
     * Waits until the cluster is healthy and returns its primary; fails after {@code timeout},
     * or at once when a container has exited.
     */
    public static Node awaitHealthy(ClusterFixture cluster, Duration timeout) {
        return Await.until("one primary and " + (cluster.nodes().size() - 1) + " streaming replicas", timeout, POLL,
                () -> healthyPrimary(cluster));
    }

    /** Waits until a member other than {@code former} answers 200 on /primary and returns it. */
    public static Node awaitPrimaryOtherThan(ClusterFixture cluster, Node former, Duration timeout) {
        return Await.until("a new primary other than " + former, timeout, Duration.ofMillis(100), () -> {
            List<Node> primaries = cluster.others(former).stream()
                    .filter(n -> AgentRest.status(n.rest(), "/primary") == 200).toList();
            return primaries.size() == 1 ? primaries.getFirst() : null;
        });
    }

    /** The primary when the cluster is healthy right now (one look), else null; fails at once when a container exited. */
    static Node healthyPrimary(ClusterFixture cluster) throws Exception {
        cluster.nodes().forEach(Node::assertNotExited);
        List<Node> primaries = cluster.nodes().stream()
                .filter(n -> AgentRest.status(n.rest(), "/primary") == 200).toList();
        if (primaries.size() != 1) {
            return null;
        }
        Node primary = primaries.getFirst();
        boolean replicasHealthy = cluster.others(primary).stream()
                .allMatch(n -> AgentRest.status(n.rest(), "/replica") == 200);
        if (!replicasHealthy) {
            return null;
        }
        int streaming = Checker.streamingReplicas(PgTarget.direct(primary.postgres()));
        return streaming == cluster.nodes().size() - 1 && quorumPublished(cluster, primary) ? primary : null;
    }

    /** In synchronous_mode quorum: every replica is a published quorum voter (/cluster role quorum_standby). */
    private static boolean quorumPublished(ClusterFixture cluster, Node primary) {
        boolean quorum = AgentRest.json(primary.rest(), "/config")
                .map(c -> "quorum".equals(c.path("synchronous_mode").asString(""))).orElse(false);
        if (!quorum) {
            return true;
        }
        long voters = AgentRest.json(primary.rest(), "/cluster").map(c -> {
            long n = 0;
            for (var m : c.path("members")) {
                n += "quorum_standby".equals(m.path("role").asString("")) ? 1 : 0;
            }
            return n;
        }).orElse(0L);
        return voters == cluster.nodes().size() - 1;
    }
}
