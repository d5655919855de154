package io.raftgres.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LagParserTest {

    @Test
    void readsPlainBytesAndPostgresMemoryUnits() {
        assertEquals(0, LagParser.parse("lag", "0"));
        assertEquals(1_048_576, LagParser.parse("lag", "1048576"));
        assertEquals(512, LagParser.parse("lag", "512B"));
        assertEquals(16 * 1024, LagParser.parse("lag", "16kB"));
        assertEquals(64L * 1024 * 1024, LagParser.parse("lag", "64MB"));
        assertEquals(1L << 30, LagParser.parse("lag", "1GB"));
        assertEquals(2L << 40, LagParser.parse("lag", "2TB"));
        assertEquals(16 * 1024, LagParser.parse("lag", " 16 KB "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "-1", "1.5GB", "10XB", "GB", "1 2", "９"})
    void rejectsTextThatIsNotASizeNamingTheParameter(String text) {
        InvalidQueryException e = assertThrows(InvalidQueryException.class, () -> LagParser.parse("lag", text));
        assertTrue(e.getMessage().contains("'lag'") && e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void rejectsSizesBeyondALong() {
        assertThrows(InvalidQueryException.class, () -> LagParser.parse("lag", "9223372036854775808"));
        assertThrows(InvalidQueryException.class, () -> LagParser.parse("lag", "9000000000TB"));
        assertEquals(Long.MAX_VALUE, LagParser.parse("lag", "9223372036854775807"));
    }
}
