package io.raftgres.core.model;

/** What a member's PostgreSQL is doing, as published and as shown by the REST API. */
public enum PgRole {
    PRIMARY("primary"),
    REPLICA("replica"),
    /** Not running, or no data directory yet. */
    STOPPED("stopped"),
    UNINITIALIZED("uninitialized");

    private final String text;

    PgRole(String text) {
        this.text = text;
    }

    /** The Patroni-compatible spelling. */
    public String text() {
        return text;
    }
}
