package io.raftgres.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code pause}: maintenance mode, as patronictl: {@code PATCH /config {"pause": true}};
 * {@code --wait} polls every member's {@code /patroni} until each reports it.
 */
@Command(name = "pause", mixinStandardHelpOptions = true,
        description = "Enter maintenance mode: the members stop managing PostgreSQL (no failover, no restarts).")
class PauseCommand extends CtlCommand {

    static final Duration WAIT_LIMIT = Duration.ofSeconds(120);

    @Parameters(arity = "0..1", paramLabel = "CLUSTER", description = "cluster name (checked against the members')")
    String cluster;

    @Option(names = "--wait", description = "wait (up to 120 s) until every member reports the change")
    boolean waitAll;

    boolean pause() {
        return true;
    }

    @Override
    public Integer call() throws InterruptedException {
        boolean pause = pause();
        String word = pause ? "paused" : "resumed";
        ClusterView c = root.cluster(cluster);
        if (c.paused() == pause) {
            throw CtlException.failed("Cluster is " + (pause ? "already paused" : "not paused"));
        }
        client().any(root.writeOrder(c), "PATCH", "/config", pause ? "{\"pause\": true}" : "{\"pause\": null}",
                Map.of()).ok();
        if (waitAll) {
            println("'" + (pause ? "pause" : "resume") + "' request sent, waiting until it is recognized by all nodes");
            awaitEveryMember(c, pause);
        }
        println("Success: cluster management is " + word);
        return ExitCodes.OK;
    }

    private void awaitEveryMember(ClusterView c, boolean pause) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_LIMIT.toNanos();
        List<String> waiting = new ArrayList<>();
        do {
            waiting.clear();
            for (MemberView m : c.members()) {
                if (!reports(m, pause)) {
                    waiting.add(m.name());
                }
            }
            if (waiting.isEmpty()) {
                return;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw CtlException.failed("the request was applied, but after " + WAIT_LIMIT.toSeconds() + " s these members "
                + "still do not report it: " + String.join(", ", waiting));
    }

    private boolean reports(MemberView m, boolean pause) {
        try {
            Response r = client().one(m.apiBase(), "GET", "/patroni", null);
            return r.success() && Boolean.TRUE.equals(Documents.object(r).get("pause")) == pause;
        } catch (CtlException unreachable) {
            return false;
        }
    }
}
