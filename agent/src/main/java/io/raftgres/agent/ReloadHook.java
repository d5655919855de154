package io.raftgres.agent;

import io.raftgres.agent.config.RaftgresConfig;

import java.util.List;

/**
 * One part of a running agent that takes a changed local configuration without an agent
 * restart ({@code POST /reload}). {@link ConfigReload} calls {@link #prepare} on every hook whose
 * keys changed before it calls any {@link Runnable} they return, so one hook refusing the new
 * configuration leaves every part as it was.
 */
interface ReloadHook {

    /**
     * The configuration keys this hook owns, as dotted paths of the YAML ({@code "log"} for the
     * whole section, {@code "restapi.authentication"} for one key); a changed key under one of
     * them is this hook's to apply, every other changed key needs an agent restart.
     */
    List<String> keys();

    /**
     * Checks {@code next} and returns what applies it. Must not block on PostgreSQL or Raft (it
     * runs on a REST worker): a change PostgreSQL must see is handed to the HA loop.
     *
     * @throws IllegalArgumentException naming the key when {@code next} cannot be applied
     */
    Runnable prepare(RaftgresConfig next);
}
