package io.raftgres.core.model;

/**
 * A PostgreSQL parameter changed in the configuration that the running server applies only
 * after a restart (its {@code pg_settings.pending_restart}).
 *
 * @param oldValue the value in effect now
 * @param newValue the configured value the next start applies; null when the parameter was
 *                 removed from the configuration (the next start uses the default)
 */
public record PendingChange(String oldValue, String newValue) {
}
