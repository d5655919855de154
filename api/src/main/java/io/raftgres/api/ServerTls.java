package io.raftgres.api;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server side of HTTPS: an SSL context built from the PEM files in {@link TlsSettings},
 * swapped atomically by {@link #reload()} so certificates can be renewed without a restart.
 * Connections accepted after a reload use the new certificate; open ones keep the old session.
 *
 * <p>Errors name the setting ({@code restapi.certfile}, {@code restapi.keyfile}, ...) and the file,
 * never the key password.
 */
public final class ServerTls {

    private final TlsSettings settings;
    private final AtomicReference<SslContext> current = new AtomicReference<>();

    private ServerTls(TlsSettings settings, SslContext first) {
        this.settings = settings;
        current.set(first);
    }

    /**
     * Reads the files and builds the context.
     *
     * @throws IllegalArgumentException naming the setting and file that cannot be used
     */
    public static ServerTls load(TlsSettings settings) {
        return new ServerTls(settings, build(settings));
    }

    /**
     * Re-reads the certificate, key and CA files (for {@code POST /reload}). On any problem the
     * running context stays in use and the exception says what is wrong.
     *
     * @throws IllegalArgumentException naming the setting and file that cannot be used
     */
    public void reload() {
        current.set(build(settings));
    }

    /** The context new connections get. */
    SslContext context() {
        return current.get();
    }

    TlsSettings settings() {
        return settings;
    }

    static SslContext build(TlsSettings s) {
        readable("restapi.certfile", s.certfile());
        readable(s.keyfile() == null ? "restapi.certfile" : "restapi.keyfile", s.keyPath());
        if (s.cafile() != null) {
            readable("restapi.cafile", s.cafile());
        }
        SslContextBuilder builder;
        try (InputStream cert = Files.newInputStream(s.certfile()); InputStream key = Files.newInputStream(s.keyPath())) {
            builder = SslContextBuilder.forServer(cert, key, s.keyfilePassword());
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("restapi.keyfile: cannot use the certificate " + s.certfile()
                    + " with the private key " + s.keyPath() + " (not PEM, not matching, encrypted without the right "
                    + "restapi.keyfile_password, or an unsupported key encryption): " + safe(e), e);
        }
        if (s.cafile() != null) {
            try (InputStream ca = Files.newInputStream(s.cafile())) {
                builder.trustManager(ca);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("restapi.cafile: " + s.cafile()
                        + " holds no usable PEM CA certificate: " + safe(e), e);
            }
        }
        builder.sslProvider(SslProvider.JDK).clientAuth(switch (s.verifyClient()) {
            case NONE -> ClientAuth.NONE;
            case OPTIONAL -> ClientAuth.OPTIONAL;
            case REQUIRED -> ClientAuth.REQUIRE;
        });
        try {
            return builder.build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("restapi.certfile: cannot build the TLS context from " + s.certfile()
                    + " and " + s.keyPath() + ": " + safe(e), e);
        }
    }

    private static void readable(String key, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(key + ": " + file + " does not exist or is not a file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(key + ": " + file + " is not readable by this user");
        }
    }

    /** The cause's class and message: library messages name files and formats, not the password. */
    private static String safe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : " " + root.getMessage());
    }
}
