package io.raftgres.statemachine;

import io.raftgres.statemachine.Command.AbortInitialize;
import io.raftgres.statemachine.Command.ClaimInitialize;
import io.raftgres.statemachine.Command.ClaimLeader;
import io.raftgres.statemachine.Command.CompleteInitialize;
import io.raftgres.statemachine.Command.LeaseHeartbeat;
import io.raftgres.statemachine.Command.PublishMember;
import io.raftgres.statemachine.Command.RecordTimelineSwitch;
import io.raftgres.statemachine.Command.RemoveMember;
import io.raftgres.statemachine.Command.SeedConfig;
import io.raftgres.statemachine.Command.SetConfig;
import io.raftgres.statemachine.Command.SetFeatureLevel;
import io.raftgres.statemachine.Command.SetSyncState;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The log-entry format of {@link Command}s: versioned JSON such as
 * {@code {"v":1,"type":"ClaimLeader","member":"n1","term":7,"timeline":2,"optime":"0/3000060"}}.
 * {@code type} is the command's simple class name, the other fields are its record components
 * in declaration order, WAL positions are PostgreSQL's {@code X/Y} text. Never Java
 * serialization: every replica and every future version must be able to read the log.
 *
 * <p>{@link #decode} is strict about what it needs: an unknown version or type, a missing
 * required field or a wrong value type throws {@link IllegalArgumentException} naming it (the
 * Ratis adapter then rejects the entry). Fields it does not know are ignored, and fields added
 * later are optional with the old meaning as default. A new command type is rejected by older
 * builds, so it is submitted only once the replicated feature level says every member knows it
 * ({@link io.raftgres.core.model.FeatureLevel}). Stateless; safe from any thread.
 */
public final class CommandCodec {

    /** The format version written by {@link #encode}; the only one {@link #decode} accepts. */
    public static final int VERSION = 1;

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final Set<String> TYPES = Arrays.stream(Command.class.getPermittedSubclasses())
            .map(Class::getSimpleName).collect(Collectors.toUnmodifiableSet());

    private CommandCodec() {
    }

    /**
     * Encodes {@code command}; throws {@link IllegalArgumentException} naming a required field
     * that is null, so that nothing undecodable ever reaches the log.
     */
    public static byte[] encode(Command command) {
        String type = command.getClass().getSimpleName();
        require(command.member(), "member", type);
        switch (command) {
            case CompleteInitialize c -> require(c.systemId(), "systemId", type);
            case PublishMember c -> require(require(c.record(), "record", type).name(), "record.name", type);
            case RemoveMember c -> require(c.name(), "name", type);
            case SetConfig c -> require(c.config(), "config", type);
            case SeedConfig c -> require(c.config(), "config", type);
            case Command.BeginHandover c -> require(c.to(), "to", type);
            case Command.AbandonSwitchover c -> require(c.why(), "why", type);
            case Command.ScheduleRestart c -> require(c.restart(), "restart", type);
            default -> { }
        }
        ObjectNode n = ModelJson.object();
        n.put("v", VERSION);
        n.put("type", type);
        n.put("member", command.member());
        n.put("term", command.term());
        switch (command) {
            case ClaimInitialize ignored -> { }
            case CompleteInitialize c -> n.put("systemId", c.systemId());
            case AbortInitialize ignored -> { }
            case ClaimLeader c -> {
                n.put("timeline", c.timeline());
                ModelJson.putLsn(n, "optime", c.optime());
            }
            case LeaseHeartbeat ignored -> { }
            case RecordTimelineSwitch c -> {
                n.put("timeline", c.timeline());
                ModelJson.putLsn(n, "switchLsn", c.switchLsn());
                n.put("reason", c.reason());
                n.put("atMillis", c.atMillis());
            }
            case PublishMember c -> n.set("record", ModelJson.member(c.record()));
            case RemoveMember c -> n.put("name", c.name());
            case SetConfig c -> {
                n.set("config", ModelJson.config(c.config()));
                n.put("expectedVersion", c.expectedVersion());
            }
            case SeedConfig c -> n.set("config", ModelJson.config(c.config()));
            case SetFeatureLevel c -> n.put("level", c.level());
            case Command.RequestSwitchover c -> {
                n.put("leader", c.leader());
                n.put("candidate", c.candidate());
                n.put("scheduledAtMillis", c.scheduledAtMillis());
                n.put("requestedAtMillis", c.requestedAtMillis());
            }
            case Command.CancelSwitchover ignored -> { }
            case Command.BeginHandover c -> {
                n.put("to", c.to());
                ModelJson.putLsn(n, "checkpoint", c.checkpoint());
                n.put("timeline", c.timeline());
                n.put("atMillis", c.atMillis());
            }
            case Command.AbandonSwitchover c -> n.put("why", c.why());
            case SetSyncState c -> {
                if (c.state() != null) {
                    n.set("state", ModelJson.syncState(c.state()));
                }
            }
            case Command.ScheduleRestart c -> n.set("restart", RestartJson.write(c.restart()));
            case Command.CancelRestart c -> n.put("requestedAtMillis", c.requestedAtMillis());
        }
        return MAPPER.writeValueAsBytes(n);
    }

    public static Command decode(byte[] bytes) {
        JsonNode root = parse(bytes, "command");
        JsonFields f = new JsonFields(root, "command");
        long version = f.longValue("v");
        if (version != VERSION) {
            throw new IllegalArgumentException("unsupported command format version " + version
                    + " (this build reads version " + VERSION + ")");
        }
        String type = f.string("type");
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown command type '" + type + "'");
        }
        JsonFields c = new JsonFields(root, type);
        String member = c.string("member");
        long term = c.longValue("term");
        return switch (type) {
            case "ClaimInitialize" -> new ClaimInitialize(member, term);
            case "CompleteInitialize" -> new CompleteInitialize(member, term, c.string("systemId"));
            case "AbortInitialize" -> new AbortInitialize(member, term);
            case "ClaimLeader" -> new ClaimLeader(member, term, c.longValue("timeline"), c.optLsn("optime"));
            case "LeaseHeartbeat" -> new LeaseHeartbeat(member, term);
            case "RecordTimelineSwitch" -> new RecordTimelineSwitch(member, term, c.longValue("timeline"),
                    c.optLsn("switchLsn"), c.optString("reason"), c.longValue("atMillis"));
            case "PublishMember" -> new PublishMember(member, term, ModelJson.member(c.object("record")));
            case "RemoveMember" -> new RemoveMember(member, term, c.string("name"));
            case "SetConfig" -> new SetConfig(member, term, ModelJson.config(c.object("config")),
                    c.longValue("expectedVersion"));
            case "SeedConfig" -> new SeedConfig(member, term, ModelJson.config(c.object("config")));
            case "SetFeatureLevel" -> new SetFeatureLevel(member, term, c.intValue("level"));
            case "RequestSwitchover" -> new Command.RequestSwitchover(member, term, c.optString("leader"),
                    c.optString("candidate"), c.longValue("scheduledAtMillis"), c.longValue("requestedAtMillis"));
            case "CancelSwitchover" -> new Command.CancelSwitchover(member, term);
            case "BeginHandover" -> new Command.BeginHandover(member, term, c.string("to"), c.optLsn("checkpoint"),
                    c.longValue("timeline"), c.longValue("atMillis"));
            case "AbandonSwitchover" -> new Command.AbandonSwitchover(member, term, c.string("why"));
            case "SetSyncState" -> new SetSyncState(member, term,
                    c.optObject("state") == null ? null : ModelJson.syncState(c.object("state")));
            case "ScheduleRestart" -> new Command.ScheduleRestart(member, term, RestartJson.read(c.object("restart")));
            case "CancelRestart" -> new Command.CancelRestart(member, term, c.longValue("requestedAtMillis", 0));
            default -> throw new IllegalArgumentException("unknown command type '" + type + "'");
        };
    }

    private static <T> T require(T value, String field, String type) {
        if (value == null) {
            throw new IllegalArgumentException(type + ": required field '" + field + "' is null");
        }
        return value;
    }

    /** Parses JSON bytes; malformed input becomes an IllegalArgumentException naming {@code what}. */
    static JsonNode parse(byte[] bytes, String what) {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException(what + ": empty input");
        }
        try {
            return MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(what + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
