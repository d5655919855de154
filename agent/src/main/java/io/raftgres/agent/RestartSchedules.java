package io.raftgres.agent;

import io.raftgres.api.SwitchoverOutcome;
import io.raftgres.core.model.ScheduledRestart;
import io.raftgres.ha.AgentIdentity;
import io.raftgres.ha.ClusterStore;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Commits {@code POST /restart} with a schedule and {@code DELETE /restart} as one Raft command
 * each (a follower's is forwarded to the leader by the store) and turns the outcome into Patroni's
 * code and text. The member's HA loop carries the restart out when it is due; nothing here touches
 * PostgreSQL.
 */
final class RestartSchedules {
    private static final Logger LOG = LoggerFactory.getLogger("raftgres.restart");
    private static final long SUBMIT_MILLIS = 15_000;

    private final AgentIdentity me;
    private final ClusterStore store;

    RestartSchedules(AgentIdentity me, ClusterStore store) {
        this.me = me;
        this.store = store;
    }

    CompletableFuture<SwitchoverOutcome> schedule(ScheduledRestart restart) {
        return commit(new Command.ScheduleRestart(me.name(), store.view().term(), restart)).thenApply(refusal -> {
            if (refusal != null) {
                return new SwitchoverOutcome(refusal.startsWith("Another restart") ? 409 : 503, refusal);
            }
            LOG.info("restart of {} scheduled at {} through the REST API", me.name(),
                    Instant.ofEpochMilli(restart.scheduleMillis()));
            return SwitchoverOutcome.scheduled("Restart scheduled");
        });
    }

    CompletableFuture<SwitchoverOutcome> cancel() {
        return commit(new Command.CancelRestart(me.name(), store.view().term(), 0)).thenApply(refusal -> {
            if (refusal != null) {
                return new SwitchoverOutcome(refusal.startsWith("no restarts") ? 404 : 503, refusal);
            }
            LOG.info("scheduled restart of {} deleted through the REST API", me.name());
            return SwitchoverOutcome.done("scheduled restart deleted");
        });
    }

    /** The refusal, or null when committed. */
    private CompletableFuture<String> commit(Command command) {
        return store.submit(command).orTimeout(SUBMIT_MILLIS, TimeUnit.MILLISECONDS).handle((ApplyResult r, Throwable e) -> {
            if (e != null) {
                LOG.warn("{} of {} not committed: {}", command.getClass().getSimpleName(), me.name(), e.toString());
                return "failed to write the request through Raft: " + e;
            }
            return r.accepted() ? null : r.rejection();
        });
    }
}
