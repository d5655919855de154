package io.raftgres.api;

/**
 * How a switchover, failover or cancellation ended, as the agent reports it to the API; the
 * status code is Patroni's for the same outcome.
 *
 * @param status  the HTTP status: 200 done, 202 scheduled, 404 nothing to cancel, 409 another one
 *                pending, 503 failed or unknown
 * @param message one sentence for the client
 */
public record SwitchoverOutcome(int status, String message) {

    public static SwitchoverOutcome done(String message) {
        return new SwitchoverOutcome(200, message);
    }

    public static SwitchoverOutcome scheduled(String message) {
        return new SwitchoverOutcome(202, message);
    }

    public static SwitchoverOutcome failed(String message) {
        return new SwitchoverOutcome(503, message);
    }
}
