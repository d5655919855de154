package io.raftgres.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostPortTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"127.0.0.1:5432, 127.0.0.1, 5432", "db-1.example.com:8008, db-1.example.com, 8008",
            "[::1]:5010, ::1, 5010", "[fe80::1%eth0]:5010, fe80::1%eth0, 5010", "*:5432, *, 5432",
            "' localhost:1 ', localhost, 1", "h:65535, h, 65535"})
    void parsesHostAndPort(String text, String host, int port) {
        HostPort hp = HostPort.parse(text);

        assertEquals(host, hp.host());
        assertEquals(port, hp.port());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "localhost        | missing port",
            ":5432            | missing host",
            "::1:5432         | an IPv6 address needs brackets",
            "[::1]            | expected host:port or [ipv6]:port",
            "[::1]5432        | expected host:port or [ipv6]:port",
            "[host]:1         | is not an IPv6 address",
            "h:0              | between 1 and 65535",
            "h:65536          | between 1 and 65535",
            "h:80a            | port must be a number",
            "h/x:80           | is not a valid host name or address"})
    void refusesMalformedAddresses(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text));

        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void printsIpv6WithBrackets() {
        assertEquals("[::1]:5010", HostPort.parse("[::1]:5010").toString());
        assertEquals("10.0.0.1:5010", HostPort.parse("10.0.0.1:5010").toString());
    }

    @Test
    void wildcardOverlapsAnyHostOnTheSamePort() {
        HostPort wildcard = HostPort.parse("0.0.0.0:8008");

        assertTrue(wildcard.isWildcard());
        assertTrue(wildcard.overlaps(HostPort.parse("10.0.0.1:8008")));
        assertFalse(wildcard.overlaps(HostPort.parse("10.0.0.1:8009")));
        assertFalse(HostPort.parse("10.0.0.1:8008").overlaps(HostPort.parse("10.0.0.2:8008")));
        assertTrue(HostPort.parse("Host:1").sameEndpoint(HostPort.parse("host:1")));
    }
}
