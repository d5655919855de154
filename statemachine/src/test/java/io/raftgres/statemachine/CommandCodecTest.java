package io.raftgres.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CommandCodecTest {

    @Test
    void samplesCoverEveryCommandType() {
        Set<Class<?>> permitted = Set.of(Command.class.getPermittedSubclasses());
        Set<Class<?>> sampled = CommandSamples.oneOfEach().stream().map(Object::getClass).collect(Collectors.toSet());
        assertEquals(permitted, sampled);
    }

    @Test
    void everyCommandTypeRoundTrips() {
        for (Command command : CommandSamples.oneOfEach()) {
            assertEquals(command, CommandCodec.decode(CommandCodec.encode(command)), command.getClass().getSimpleName());
        }
    }

    /**
     * Readers take fields added later as optional with the old meaning, and ignore fields they
     * do not know: a record written before feature levels reads as level 1, a record from a
     * newer build with an extra field reads fine.
     */
    @Test
    void laterFieldsAreOptionalAndUnknownFieldsAreIgnored() {
        String old = new String(CommandCodec.encode(new Command.PublishMember("n2", 3,
                CommandSamples.member("n2", 1, Lsn.ZERO, 2))), StandardCharsets.UTF_8)
                .replace(",\"maxFeatureLevel\":2", "");
        assertTrue(!old.contains("maxFeatureLevel"), old);
        Command.PublishMember decoded = (Command.PublishMember) CommandCodec.decode(old.getBytes(StandardCharsets.UTF_8));
        assertEquals(1, decoded.record().maxFeatureLevel());

        String newer = old.replace("\"term\":3", "\"term\":3,\"futureField\":{\"x\":1}");
        assertEquals(decoded, CommandCodec.decode(newer.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void nullOptionalFieldsRoundTrip() {
        MemberRecord bare = new MemberRecord("n2", null, null, null, 0, null, null, 0, null, null, false, null,
                false, false, null, 0, 0);
        for (Command command : new Command[] {
                new Command.ClaimLeader("n1", 2, 1, null),
                new Command.RecordTimelineSwitch("n1", 2, 2, null, null, 0),
                new Command.PublishMember("n2", 2, bare)}) {
            assertEquals(command, CommandCodec.decode(CommandCodec.encode(command)));
        }
    }

    @Test
    void writesVersionTypeAndWalPositionsAsText() {
        String json = text(CommandCodec.encode(new Command.ClaimLeader("n1", 7, 2, Lsn.parse("0/3000060"))));
        assertEquals("{\"v\":1,\"type\":\"ClaimLeader\",\"member\":\"n1\",\"term\":7,\"timeline\":2,"
                + "\"optime\":\"0/3000060\"}", json);
    }

    @Test
    void rejectsUnknownVersionNamingIt() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> CommandCodec.decode(bytes("{\"v\":2,\"type\":\"LeaseHeartbeat\",\"member\":\"n1\",\"term\":1}")));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }

    @Test
    void rejectsUnknownTypeNamingIt() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> CommandCodec.decode(bytes("{\"v\":1,\"type\":\"DropDatabase\",\"member\":\"n1\",\"term\":1}")));
        assertTrue(e.getMessage().contains("'DropDatabase'"), e.getMessage());
    }

    @Test
    void rejectsMissingFieldNamingIt() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> CommandCodec.decode(bytes("{\"v\":1,\"type\":\"SetConfig\",\"member\":\"n1\",\"term\":1,"
                        + "\"expectedVersion\":0}")));
        assertTrue(e.getMessage().contains("SetConfig") && e.getMessage().contains("'config'"), e.getMessage());
    }

    @Test
    void rejectsMalformedWalPositionNamingTheField() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> CommandCodec.decode(bytes("{\"v\":1,\"type\":\"ClaimLeader\",\"member\":\"n1\",\"term\":1,"
                        + "\"timeline\":1,\"optime\":\"3000060\"}")));
        assertTrue(e.getMessage().contains("'optime'"), e.getMessage());
    }

    @Test
    void rejectsWrongValueTypesAndBrokenJson() {
        var wrongType = assertThrows(IllegalArgumentException.class,
                () -> CommandCodec.decode(bytes("{\"v\":1,\"type\":\"LeaseHeartbeat\",\"member\":\"n1\",\"term\":\"x\"}")));
        assertTrue(wrongType.getMessage().contains("'term'"), wrongType.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(bytes("{\"v\":1,")));
        assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(bytes("[1,2]")));
        assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(new byte[0]));
    }

    @Test
    void refusesToEncodeCommandsMissingRequiredFields() {
        var noRecord = assertThrows(IllegalArgumentException.class,
                () -> CommandCodec.encode(new Command.PublishMember("n1", 1, null)));
        assertTrue(noRecord.getMessage().contains("PublishMember") && noRecord.getMessage().contains("'record'"),
                noRecord.getMessage());
        var noMember = assertThrows(IllegalArgumentException.class,
                () -> CommandCodec.encode(new Command.LeaseHeartbeat(null, 1)));
        assertTrue(noMember.getMessage().contains("'member'"), noMember.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> CommandCodec.encode(new Command.SetConfig("n1", 1, null, 0)));
    }

    @Test
    void encodingIsStableForEqualCommands() {
        for (Command command : CommandSamples.oneOfEach()) {
            Command copy = CommandCodec.decode(CommandCodec.encode(command));
            assertTrue(Arrays.equals(CommandCodec.encode(command), CommandCodec.encode(copy)));
        }
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
