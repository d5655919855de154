package io.raftgres.ctl;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the members' REST APIs are and how to talk to them, as patronictl reads patroni.yml:
 * from an agent's raftgres.yml the {@code restapi} address ({@code connect_address}, else
 * {@code listen}) and credentials, and the {@code ctl} section ({@code authentication},
 * {@code certfile}, {@code keyfile}, {@code cacert}, {@code insecure}); plus {@code --url}s and
 * {@code RAFTGRESCTL_URL}. Reads only these keys, so the CLI does not depend on the agent.
 * {@link #toString()} never shows the password.
 *
 * @param urls     members' REST API base URLs, tried in this order
 * @param username basic-auth user for requests, or null
 * @param password its password, or null
 * @param tls      client-side TLS settings
 */
record CtlSettings(List<URI> urls, String username, String password, TlsSettings tls) {

    /** Members given on the command line come first, then the environment, then the file. */
    static CtlSettings of(Path file, List<String> cliUrls, String envUrls, boolean insecure) {
        List<URI> urls = new ArrayList<>();
        for (String u : cliUrls) {
            urls.add(url(u, "--url"));
        }
        if (envUrls != null) {
            for (String u : envUrls.split(",")) {
                if (!u.isBlank()) {
                    urls.add(url(u.strip(), "RAFTGRESCTL_URL"));
                }
            }
        }
        String user = null;
        String pass = null;
        TlsSettings tls = new TlsSettings(null, null, null, insecure);
        if (file != null) {
            Map<String, Object> root = load(file);
            Map<String, Object> rest = section(root, "restapi", file);
            Map<String, Object> ctl = section(root, "ctl", file);
            boolean https = rest.get("certfile") != null;
            Object address = rest.get("connect_address") != null ? rest.get("connect_address") : rest.get("listen");
            String hostPort = address == null ? "127.0.0.1:8008" : address.toString().replaceFirst("^(0\\.0\\.0\\.0|\\*|::):",
                    "127.0.0.1:");
            urls.add(url((https ? "https://" : "http://") + hostPort, file + ": restapi.listen"));
            Map<String, Object> auth = section(ctl, "authentication", file);
            if (auth.isEmpty()) {
                auth = section(rest, "authentication", file);
            }
            user = string(auth.get("username"));
            pass = string(auth.get("password"));
            if ((user == null) != (pass == null)) {
                throw CtlException.usage(file + ": authentication needs both username and password");
            }
            Object cacert = ctl.get("cacert") != null ? ctl.get("cacert") : rest.get("cafile");
            tls = new TlsSettings(path(ctl.get("certfile")), path(ctl.get("keyfile")), path(cacert),
                    insecure || Boolean.TRUE.equals(ctl.get("insecure")));
        }
        if (urls.isEmpty()) {
            throw CtlException.usage("no member to talk to: give -c FILE (an agent's raftgres.yml), --url URL or "
                    + "RAFTGRESCTL_URL");
        }
        return new CtlSettings(List.copyOf(urls), user, pass, tls);
    }

    @Override
    public String toString() {
        return "CtlSettings[urls=" + urls + ", username=" + username + ", password=" + (password == null ? null : "***")
                + ", tls=" + tls + "]";
    }

    private static Map<String, Object> load(Path file) {
        try {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
            if (!(doc instanceof Map<?, ?>)) {
                throw CtlException.usage(file + ": not a raftgres configuration (expected a YAML mapping)");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) doc;
            return map;
        } catch (IOException e) {
            throw CtlException.usage("cannot read " + file + ": " + e.getMessage());
        } catch (YAMLException e) {
            throw CtlException.usage(file + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static Map<String, Object> section(Map<String, Object> parent, String key, Path file) {
        Object v = parent.get(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?>)) {
            throw CtlException.usage(file + ": " + key + " must be a mapping");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) v;
        return map;
    }

    private static String string(Object v) {
        return v == null ? null : v.toString();
    }

    private static Path path(Object v) {
        return v == null ? null : Path.of(v.toString());
    }

    /** A member's base URL: scheme, host and port; {@code host:port} alone means http. */
    static URI url(String text, String source) {
        String t = text.contains("://") ? text : "http://" + text;
        try {
            URI u = URI.create(t.endsWith("/") ? t.substring(0, t.length() - 1) : t);
            if (u.getHost() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
                throw new IllegalArgumentException("no host");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw CtlException.usage(source + ": '" + text + "' is not a URL like http://10.0.0.1:8008");
        }
    }
}
