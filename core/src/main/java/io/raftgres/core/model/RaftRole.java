package io.raftgres.core.model;

/** The local Raft server's role. */
public enum RaftRole { LEADER, FOLLOWER, CANDIDATE, UNKNOWN }
