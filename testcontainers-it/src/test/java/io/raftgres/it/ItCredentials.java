package io.raftgres.it;

/**
 * Database roles of the throw-away test clusters. These passwords protect nothing: the
 * clusters live on a private Docker network for the duration of one test. The writer, the
 * checker and the split-brain detector log in as the superuser.
 */
public final class ItCredentials {

    public static final String SUPERUSER = "postgres";
    public static final String SUPERUSER_PASSWORD = "it-superuser-pw";
    public static final String REPLICATION_USER = "replicator";
    public static final String REPLICATION_PASSWORD = "it-replication-pw";
    /** Basic-auth user of the REST write endpoints. */
    public static final String REST_USER = "admin";
    public static final String REST_PASSWORD = "it-rest-pw";
    public static final String DATABASE = "postgres";

    private ItCredentials() {
    }
}
