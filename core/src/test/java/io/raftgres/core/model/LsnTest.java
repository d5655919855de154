package io.raftgres.core.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LsnTest {

    @Test
    void parsesAndFormatsPostgresText() {
        Lsn lsn = Lsn.parse("16/B374D848");
        assertEquals(0x16B374D848L, lsn.value());
        assertEquals("16/B374D848", lsn.toString());
        assertEquals("0/0", Lsn.ZERO.toString());
    }

    @Test
    void comparesUnsigned() {
        assertTrue(Lsn.parse("FFFFFFFF/0").isAfter(Lsn.parse("1/0")));
        assertEquals(0x100, new Lsn(0x100).lagBehind(new Lsn(0x200)));
        assertEquals(0, new Lsn(0x300).lagBehind(new Lsn(0x200)));
    }

    @Test
    void rejectsTextThatIsNotAPosition() {
        for (String bad : new String[] {"", "16", "/5", "1/", "xyz/1", "1FFFFFFFF/0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lsn.parse(bad));
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }
}
