package io.raftgres.core.model;

/** A long PostgreSQL operation the agent is running in the background, if any. */
public enum Activity {
    NONE, INITDB, CLONING, REWINDING, STARTING, STOPPING, PROMOTING, REMOVING_DATA;

    public boolean isBusy() {
        return this != NONE;
    }
}
