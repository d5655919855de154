/**
 * Everything that touches PostgreSQL 15 on this host: initdb, pg_ctl, pg_basebackup, pg_rewind,
 * pg_controldata, the configuration files raftgres owns, replication slots and JDBC probes.
 * {@link io.raftgres.pgcontrol.PgCtlPostgresControl} implements the core's
 * {@link io.raftgres.core.spi.PostgresControl} port; the other types are its parts.
 */
package io.raftgres.pgcontrol;
