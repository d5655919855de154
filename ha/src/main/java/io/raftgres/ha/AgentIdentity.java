package io.raftgres.ha;

import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.MemberTags;

/**
 * Who this agent is and how others reach it: the facts it publishes in its member record.
 *
 * @param scope        cluster name
 * @param name         member name
 * @param apiUrl       REST base URL (http://connect_address)
 * @param raftAddress  Raft address (also the Raft peer id)
 * @param pgHost       PostgreSQL connect host
 * @param pgPort       PostgreSQL connect port
 * @param tags         configured tags
 * @param bootstrapDcs dynamic config to seed from bootstrap.dcs, or null without a bootstrap section
 * @param version      raftgres version
 */
public record AgentIdentity(String scope, String name, String apiUrl, String raftAddress, String pgHost, int pgPort,
                     MemberTags tags, DynamicConfig bootstrapDcs, String version) {

    public boolean canBootstrap() {
        return bootstrapDcs != null;
    }
}
