package io.raftgres.api;

/** A dynamic-config body that cannot be committed; the message names the key and why (a 400). */
final class InvalidConfigException extends RuntimeException {

    InvalidConfigException(String key, String reason) {
        super(key + ": " + reason);
    }
}
