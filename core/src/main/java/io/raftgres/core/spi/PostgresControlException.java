package io.raftgres.core.spi;

/** A PostgreSQL operation failed; the message names the operation and carries the tool's output. */
public class PostgresControlException extends RuntimeException {
    public PostgresControlException(String message) {
        super(message);
    }

    public PostgresControlException(String message, Throwable cause) {
        super(message, cause);
    }
}
