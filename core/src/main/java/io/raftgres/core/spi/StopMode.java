package io.raftgres.core.spi;

/** pg_ctl stop modes: FAST for planned moves, IMMEDIATE for fencing (no shutdown checkpoint). */
public enum StopMode { FAST, IMMEDIATE }
