package io.raftgres.api;

/**
 * How an operator's restart or reinitialize ended, as the agent reports it to the API.
 *
 * @param ok      done as asked
 * @param message one sentence for the client, Patroni's text where it has one
 */
public record OperationResult(boolean ok, String message) {
}
