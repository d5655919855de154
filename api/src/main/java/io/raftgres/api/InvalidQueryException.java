package io.raftgres.api;

/**
 * A health-check query parameter has a value the API cannot interpret. The message names the
 * parameter and the offending value; controllers turn it into a 400 response.
 */
final class InvalidQueryException extends IllegalArgumentException {

    InvalidQueryException(String parameter, String value, String expected) {
        super("query parameter '" + parameter + "' must be " + expected + ", got '" + value + "'");
    }
}
