package io.raftgres.agent.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KeySuggestionTest {
    private static final List<String> KNOWN = List.of("self_addr", "partner_addrs", "data_dir", "lease",
            "lease_check_interval");

    @Test
    void suggestsKeyWithinTwoEdits() {
        assertEquals(Optional.of("self_addr"), KeySuggestion.closest("self-adr", KNOWN));
        assertEquals(Optional.of("partner_addrs"), KeySuggestion.closest("PARTNER_ADDR", KNOWN));
        assertEquals(Optional.of("data_dir"), KeySuggestion.closest("dtaa_dir", KNOWN));
    }

    @Test
    void prefersTheClosestKey() {
        assertEquals(Optional.of("lease"), KeySuggestion.closest("leas", KNOWN));
    }

    @Test
    void suggestsNothingForUnrelatedKeys() {
        assertEquals(Optional.empty(), KeySuggestion.closest("certfile", KNOWN));
        assertEquals(Optional.empty(), KeySuggestion.closest("ttl", KNOWN));
    }
}
