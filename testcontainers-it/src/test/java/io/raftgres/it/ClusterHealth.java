package io.raftgres.it;

import java.time.Duration;
import java.util.List;

/**
 * Waits for a raftgres cluster to be healthy as its users see it: exactly one member answers
 * 200 on {@code /primary}, every other answers 200 on {@code /replica}, and the primary's
 * {@code pg_stat_replication} shows all of them streaming, and in a synchronous mode the primary has published
 * its standbys. A wait that times out carries each member's last log lines. Called from the test thread.
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
        try {
            return Await.until("one primary and " + (cluster.nodes().size() - 1) + " streaming replicas", timeout,
                    POLL, () -> healthyPrimary(cluster));
        } catch (AssertionError e) {
            throw withRecentLogs(cluster, e);
        }
    }

    /** Waits until a member other than {@code former} answers 200 on /primary and returns it. */
    public static Node awaitPrimaryOtherThan(ClusterFixture cluster, Node former, Duration timeout) {
        try {
            return Await.until("a new primary other than " + former, timeout, Duration.ofMillis(100), () -> {
                List<Node> primaries = cluster.others(former).stream()
                        .filter(n -> AgentRest.status(n.rest(), "/primary") == 200).toList();
                return primaries.size() == 1 ? primaries.getFirst() : null;
            });
        } catch (AssertionError e) {
            throw withRecentLogs(cluster, e);
        }
    }

    /** Lines of each member's log a timed-out wait carries: CI keeps the output, not target/it-logs. */
    private static final int DIGEST_LINES = 25;

    /**
     * {@code timeout} with the last {@value #DIGEST_LINES} INFO-or-higher lines of every member's log appended
     * to its message, so that a wait that failed on a machine whose files are gone still says
     * what each agent was doing.
     */
    private static AssertionError withRecentLogs(ClusterFixture cluster, AssertionError timeout) {
        StringBuilder digest = new StringBuilder(timeout.getMessage());
        for (Node node : cluster.nodes()) {
            digest.append("\n--- last log lines of ").append(node).append(exited(node) ? " (exited)" : "").append(" ---");
            try {
                List<String> lines = node.logs().lines().filter(l -> !l.contains(" DEBUG ")).toList();
                lines.subList(Math.max(0, lines.size() - DIGEST_LINES), lines.size())
                        .forEach(l -> digest.append("\n").append(l));
            } catch (RuntimeException e) {
                digest.append("\n(unreadable: ").append(e).append(')');
            }
        }
        return new AssertionError(digest.toString(), timeout.getCause());
    }

    private static boolean exited(Node node) {
        try {
            return node.exited();
        } catch (RuntimeException e) {
            return false; // the engine did not answer: the log lines below still say what they can
        }
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
        return streaming == cluster.nodes().size() - 1 && standbysPublished(cluster, primary) ? primary : null;
    }

    /**
     * In synchronous_mode quorum: every replica is a published quorum voter (/cluster role quorum_standby); in
     * synchronous_mode on: one replica is a published synchronous standby (role sync_standby). Until then the
     * primary commits without a published standby, and a primary that dies then is, by design (as Patroni's),
     * replaced by no one: a scenario that kills it must not start earlier. In mode on the standby is published
     * some seconds after the replicas stream (one CI run's kill came first and waited 60 s for a new primary).
     */
    private static boolean standbysPublished(ClusterFixture cluster, Node primary) {
        String mode = AgentRest.json(primary.rest(), "/config")
                .map(c -> c.path("synchronous_mode").asString("off")).orElse("off");
        String role = switch (mode) {
            case "quorum" -> "quorum_standby";
            case "on" -> "sync_standby";
            default -> null;
        };
        if (role == null) {
            return true;
        }
        long published = AgentRest.json(primary.rest(), "/cluster").map(c -> {
            long n = 0;
            for (var m : c.path("members")) {
                n += role.equals(m.path("role").asString("")) ? 1 : 0;
            }
            return n;
        }).orElse(0L);
        return role.equals("quorum_standby") ? published == cluster.nodes().size() - 1 : published >= 1;
    }
}
