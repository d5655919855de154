package io.raftgres.core.spi;

/** A member to replicate from, rewind from or clone from. */
public record Upstream(String member, String host, int port) {
}
