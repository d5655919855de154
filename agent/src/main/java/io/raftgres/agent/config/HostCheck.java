package io.raftgres.agent.config;

/**
 * The part of validation that depends on this host rather than on the file: the PostgreSQL binaries
 * and what they accept. {@link ConfigLoader#loadForThisHost} uses {@link InstalledPostgresCheck};
 * {@link ConfigLoader#load} checks the file alone ({@link #NONE}).
 */
@FunctionalInterface
interface HostCheck {
    HostCheck NONE = (postgresql, bootstrap, problems) -> { };

    /**
     * Adds a problem for each thing this host cannot run.
     *
     * @param bootstrap null when the member has no bootstrap section
     */
    void check(PostgresqlConfig postgresql, BootstrapConfig bootstrap, ConfigProblems problems);
}
