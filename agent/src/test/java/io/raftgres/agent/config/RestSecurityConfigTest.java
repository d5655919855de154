package io.raftgres.agent.config;

import io.raftgres.api.TlsSettings;
import io.raftgres.testkit.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.raftgres.agent.config.ConfigFixture.assertOnlyProblem;
import static io.raftgres.agent.config.ConfigFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code restapi} security keys: defaults, what is refused (naming the key), the TLS files
 * checked at load time so {@code --validate-config} reports them, and the key password masked in
 * the displayed configuration.
 */
class RestSecurityConfigTest {

    private static final String KEY_PASSWORD = "kfp-Secret-4411";

    @TempDir
    Path dir;

    private static ConfigFixture withAuth() {
        return ConfigFixture.valid().set("restapi.authentication.username", "admin")
                .set("restapi.authentication.password", "rest-pw");
    }

    @Test
    void defaultsAreOpenReadsAnyAddressAndPlainHttp() throws ConfigException {
        RestApiConfig r = withAuth().load(dir).restapi();
        assertFalse(r.security().authenticationForReads());
        assertTrue(r.security().allowlist().isEmpty());
        assertFalse(r.security().allowlistRule().restricts());
        assertNull(r.security().tls());
        assertTrue(r.url().startsWith("http://"), r.url());
    }

    @Test
    void readsTheAccessRules() throws ConfigException {
        RestApiConfig r = withAuth().set("restapi.authentication_for_reads", true)
                .set("restapi.allowlist", List.of("10.0.0.0/8", "db1.example.com", "fd00::1"))
                .set("restapi.allowlist_include_members", true).load(dir).restapi();
        assertTrue(r.security().authenticationForReads());
        assertEquals(List.of("10.0.0.0/8", "db1.example.com", "fd00::1"), r.security().allowlist());
        assertTrue(r.security().allowlistIncludeMembers());
    }

    @Test
    void environmentVariablesSetTheSecurityKeys() throws ConfigException {
        RestApiConfig r = withAuth().load(dir, Map.of("RAFTGRES_RESTAPI_AUTHENTICATION_FOR_READS", "true",
                "RAFTGRES_RESTAPI_ALLOWLIST_INCLUDE_MEMBERS", "true")).restapi();
        assertTrue(r.security().authenticationForReads());
        assertTrue(r.security().allowlistIncludeMembers());
        ConfigException e = withAuth().failure(dir, Map.of("RAFTGRES_RESTAPI_VERIFY_CLIENT", "maybe"));
        assertTrue(e.getMessage().contains("none, optional or required"), e.getMessage());
    }

    @Test
    void refusesBadAccessRulesNamingTheKey() {
        assertOnlyProblem(ConfigFixture.valid().set("restapi.authentication_for_reads", true).failure(dir),
                "restapi.authentication_for_reads", "needs restapi.authentication");
        assertOnlyProblem(withAuth().set("restapi.allowlist", List.of("10.0.0.0/40")).failure(dir),
                "restapi.allowlist", "'10.0.0.0/40' is not a CIDR block");
        assertOnlyProblem(withAuth().set("restapi.allowlist", "10.0.0.0/8").failure(dir),
                "restapi.allowlist", "must be a list");
        assertOnlyProblem(withAuth().set("restapi.verify_client", "maybe").failure(dir),
                "restapi.verify_client", "none, optional or required");
        assertOnlyProblem(withAuth().set("restapi.keyfile", "/etc/k.pem").failure(dir),
                "restapi.keyfile", "needs restapi.certfile");
    }

    @Test
    void tlsFilesAreCheckedAtLoadAndTheKeyPasswordIsMasked() throws ConfigException {
        assumeTrue(TestCa.available(), "skipped: the openssl command is not installed");
        TestCa ca = TestCa.create(dir, "cfg");
        Path[] server = ca.issue("server", KEY_PASSWORD);
        ConfigFixture https = withAuth().set("restapi.certfile", server[0].toString())
                .set("restapi.keyfile", server[1].toString()).set("restapi.keyfile_password", KEY_PASSWORD)
                .set("restapi.cafile", ca.caCert().toString()).set("restapi.verify_client", "optional");
        RaftgresConfig loaded = https.load(dir);
        TlsSettings tls = loaded.restapi().security().tls();
        assertEquals(TlsSettings.VerifyClient.OPTIONAL, tls.verifyClient());
        assertTrue(loaded.restapi().url().startsWith("https://"));
        assertFalse(loaded.toString().contains(KEY_PASSWORD), loaded.toString());

        ConfigException wrong = https.set("restapi.keyfile_password", "not-it").failure(dir);
        assertOnlyProblem(wrong, "restapi.keyfile", "keyfile_password");
        assertFalse(wrong.getMessage().contains("not-it"), wrong.getMessage());
        assertOnlyProblem(https.set("restapi.keyfile_password", KEY_PASSWORD).set("restapi.certfile",
                dir.resolve("gone.pem").toString()).failure(dir), "restapi.certfile", "does not exist");
        assertProblem(withAuth().set("restapi.certfile", server[0].toString()).set("restapi.verify_client", "required")
                .failure(dir), "restapi.verify_client", "needs restapi.cafile");
    }

    @Test
    void validateConfigReportsABadTlsSetting() {
        assumeTrue(TestCa.available(), "skipped: the openssl command is not installed");
        Path[] server = TestCa.create(dir, "v").issue("server", KEY_PASSWORD);
        Path file = withAuth().set("restapi.certfile", server[0].toString())
                .set("restapi.keyfile", server[1].toString()).set("restapi.keyfile_password", "wrong-pw").write(dir);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ValidateConfigCommand.run(file, Map.of(), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(ValidateConfigCommand.INVALID, code);
        String printed = err.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("restapi.keyfile: "), printed);
        assertFalse(printed.contains("wrong-pw"), printed);
    }
}
