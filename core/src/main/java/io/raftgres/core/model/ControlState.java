package io.raftgres.core.model;

/** pg_controldata's "Database cluster state", which tells how PostgreSQL last stopped. */
public enum ControlState {
    STARTING_UP("starting up"),
    SHUT_DOWN("shut down"),
    SHUT_DOWN_IN_RECOVERY("shut down in recovery"),
    SHUTTING_DOWN("shutting down"),
    IN_CRASH_RECOVERY("in crash recovery"),
    IN_ARCHIVE_RECOVERY("in archive recovery"),
    IN_PRODUCTION("in production"),
    /** No control file, or text we do not know. */
    UNKNOWN("unknown");

    private final String text;

    ControlState(String text) {
        this.text = text;
    }

    public static ControlState fromText(String text) {
        for (ControlState s : values()) {
            if (s.text.equals(text == null ? "" : text.trim())) {
                return s;
            }
        }
        return UNKNOWN;
    }

    /** The data directory last ran as a primary (so it may hold WAL no standby has). */
    public boolean lastRanAsPrimary() {
        return this == IN_PRODUCTION || this == SHUT_DOWN || this == SHUTTING_DOWN || this == IN_CRASH_RECOVERY;
    }

    public String text() {
        return text;
    }
}
