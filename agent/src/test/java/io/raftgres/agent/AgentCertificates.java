package io.raftgres.agent;

import io.raftgres.testkit.TestCa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A test CA in {@code dir/certs} with a server certificate for the agents' REST API and one
 * client certificate, readable by the agents (which may run PostgreSQL as another OS user).
 *
 * @param ca     the CA; its {@code caCert()} is {@code restapi.cafile}
 * @param server {certificate, key} for {@code restapi.certfile}/{@code keyfile}
 * @param client {certificate, key} of an operator's client
 */
record AgentCertificates(TestCa ca, Path[] server, Path[] client) {

    /** @param serverKeyPassword encrypts the server key when not null ({@code restapi.keyfile_password}) */
    static AgentCertificates create(Path dir, String name, String serverKeyPassword) throws IOException {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestCa ca = TestCa.create(certs, name);
        Path[] server = ca.issue("server", serverKeyPassword);
        Path[] client = ca.issue("client", null);
        certs.toFile().setReadable(true, false);
        for (Path p : List.of(server[0], server[1], ca.caCert())) {
            p.toFile().setReadable(true, false);
        }
        return new AgentCertificates(ca, server, client);
    }
}
