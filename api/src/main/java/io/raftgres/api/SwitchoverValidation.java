package io.raftgres.api;

import io.raftgres.core.decide.SwitchoverCandidates;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.PgRole;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

/**
 * Checks a {@code POST /switchover} or {@code POST /failover} body against the state the agent
 * last saw, before anything is written: the answer is a {@link SwitchoverCall} or the refusal
 * with Patroni's status code (400 bad body, wrong leader, unknown candidate, a time without a
 * zone; 412 no healthy candidate; 422 a time in the past; 409 another switchover pending; 503 a
 * cluster that cannot do it yet). The state machine checks the request again when it applies it.
 */
final class SwitchoverValidation {

    private static final Set<String> KEYS = Set.of("leader", "candidate", "member", "scheduled_at");

    /** Exactly one of the two is set. */
    record Result(SwitchoverCall call, SwitchoverOutcome refusal) {
        static Result refuse(int status, String message) {
            return new Result(null, new SwitchoverOutcome(status, message));
        }
    }

    private SwitchoverValidation() {
    }

    /** {@code POST /switchover}. */
    static Result switchover(Map<String, Object> body, StatusSnapshot snapshot, long nowMillis) {
        Result common = common(body, snapshot);
        if (common != null) {
            return common;
        }
        ClusterState state = snapshot.cluster();
        String leader = (String) body.get("leader");
        String candidate = candidate(body);
        LeaderRecord key = state.leader();
        if (leader == null) {
            return Result.refuse(400, "Switchover could be performed only from a specific leader");
        }
        if (key == null || !key.member().equals(leader)) {
            return Result.refuse(400, "leader name does not match: " + (key == null ? "there is no leader"
                    : key.member() + " is the leader, not " + leader));
        }
        Result target = knownCandidate(state, candidate, leader);
        if (target != null) {
            return target;
        }
        Object at = body.get("scheduled_at");
        long scheduled = 0;
        if (at != null) {
            try {
                scheduled = OffsetDateTime.parse((String) at).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                return Result.refuse(400, "scheduled_at: '" + at + "' is not an ISO 8601 time with a zone, "
                        + "such as 2026-12-05T14:30:00+00:00");
            }
            if (scheduled <= nowMillis) {
                return Result.refuse(422, "scheduled_at: " + at + " is in the past");
            }
            return new Result(new SwitchoverCall(leader, candidate, scheduled), null);
        }
        Result healthy = healthyCandidate(snapshot, candidate, leader);
        return healthy != null ? healthy : new Result(new SwitchoverCall(leader, candidate, 0), null);
    }

    /** {@code POST /failover}: a switchover when there is a healthy primary, else a manual failover. */
    static Result failover(Map<String, Object> body, StatusSnapshot snapshot, long nowMillis) {
        Result common = common(body, snapshot);
        if (common != null) {
            return common;
        }
        String candidate = candidate(body);
        if (candidate == null) {
            return Result.refuse(400, "Failover could be performed only to a specific candidate");
        }
        if (body.get("scheduled_at") != null) {
            return Result.refuse(400, "Failover can't be scheduled");
        }
        ClusterState state = snapshot.cluster();
        String primary = healthyPrimary(snapshot);
        if (body.get("leader") != null || primary != null) {
            Map<String, Object> asSwitchover = new java.util.HashMap<>(body);
            asSwitchover.putIfAbsent("leader", primary);
            return switchover(asSwitchover, snapshot, nowMillis);
        }
        Result target = knownCandidate(state, candidate, null);
        if (target != null) {
            return target;
        }
        Result healthy = healthyCandidate(snapshot, candidate, null);
        return healthy != null ? healthy : new Result(new SwitchoverCall(null, candidate, 0), null);
    }

    private static Result common(Map<String, Object> body, StatusSnapshot snapshot) {
        for (Map.Entry<String, Object> e : body.entrySet()) {
            if (!KEYS.contains(e.getKey())) {
                return Result.refuse(400, "unknown key '" + e.getKey() + "': expected leader, candidate, scheduled_at");
            }
            if (e.getValue() != null && !(e.getValue() instanceof String text && !text.isBlank())) {
                return Result.refuse(400, e.getKey() + ": must be a non-empty string");
            }
        }
        if (body.get("candidate") != null && body.get("member") != null
                && !body.get("candidate").equals(body.get("member"))) {
            return Result.refuse(400, "candidate and member (its alias) name different members");
        }
        ClusterState state = snapshot.cluster();
        if (!state.isInitialized()) {
            return Result.refuse(503, "cluster is not initialized");
        }
        if (state.featureLevel() < FeatureLevel.SWITCHOVER) {
            return Result.refuse(503, "the cluster runs feature level " + state.featureLevel() + "; switchover needs "
                    + FeatureLevel.SWITCHOVER + ", which the Raft leader sets once every member runs a build that "
                    + "supports it");
        }
        if (snapshot.paused()) {
            return Result.refuse(400, "the cluster is paused (maintenance mode): resume it first");
        }
        if (state.activeSwitchover() != null) {
            return Result.refuse(409, state.activeSwitchover().scheduled() ? "a switchover is already scheduled; "
                    + "DELETE /switchover first" : "a switchover is already in progress");
        }
        return null;
    }

    private static String candidate(Map<String, Object> body) {
        Object c = body.get("candidate") != null ? body.get("candidate") : body.get("member");
        return (String) c;
    }

    private static Result knownCandidate(ClusterState state, String candidate, String leader) {
        if (candidate == null) {
            return null;
        }
        if (!state.members().containsKey(candidate)) {
            return Result.refuse(400, "candidate " + candidate + " does not exist");
        }
        if (candidate.equals(leader)) {
            return Result.refuse(400, "Switchover target and source are the same");
        }
        return null;
    }

    private static Result healthyCandidate(StatusSnapshot snapshot, String candidate, String leader) {
        ClusterState state = snapshot.cluster();
        Set<String> silent = snapshot.silentMembers();
        if (candidate != null) {
            String why = SwitchoverCandidates.whyNot(state, candidate, leader, silent);
            return why == null ? null : Result.refuse(412, "candidate is not healthy: " + why);
        }
        return SwitchoverCandidates.best(state, leader, silent).isPresent() ? null
                : Result.refuse(412, "no good candidates have been found");
    }

    /** The leader key's member if its record shows a running primary and its agent reports. */
    static String healthyPrimary(StatusSnapshot snapshot) {
        LeaderRecord key = snapshot.cluster().leader();
        if (key == null || snapshot.silentMembers().contains(key.member())) {
            return null;
        }
        MemberRecord record = snapshot.cluster().members().get(key.member());
        return record != null && record.role() == PgRole.PRIMARY && "running".equals(record.state())
                ? key.member() : null;
    }
}
