package io.raftgres.agent;

import io.raftgres.agent.config.ConfigException;
import io.raftgres.agent.config.ConfigLoader;
import io.raftgres.agent.config.RaftgresConfig;
import io.raftgres.api.ReloadResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code POST /reload}: re-reads the agent's YAML (with the same environment overrides as at
 * start), applies what the registered {@link ReloadHook}s own and reports every other changed
 * key as needing an agent restart. A file that does not load changes nothing and its problems
 * are the answer. Keys are compared on the display form (secrets masked) plus a direct comparison
 * of each secret, so a changed password is noticed but never shown. One reload at a time.
 */
final class ConfigReload {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);

    private final Path file;
    private final Map<String, String> env;
    private final RaftgresConfig started;
    private final List<ReloadHook> hooks = new CopyOnWriteArrayList<>();
    private RaftgresConfig current;

    ConfigReload(Path file, Map<String, String> env, RaftgresConfig started) {
        this.file = file;
        this.env = Map.copyOf(env);
        this.started = started;
        this.current = started;
    }

    void register(ReloadHook hook) {
        hooks.add(hook);
    }

    synchronized ReloadResult reload() {
        RaftgresConfig next;
        try {
            next = ConfigLoader.loadForThisHost(file, env);
        } catch (ConfigException e) {
            LOG.warn("reload refused, nothing changed: {} does not load:\n{}", file, e.getMessage());
            return ReloadResult.invalid(file + " does not load, nothing changed:\n" + e.getMessage());
        }
        List<String> changed = changedKeys(current, next);
        List<Runnable> apply = new ArrayList<>();
        List<String> applied = new ArrayList<>();
        try {
            for (ReloadHook hook : hooks) {
                List<String> mine = changed.stream().filter(k -> ownedBy(hook, k)).toList();
                if (!mine.isEmpty()) {
                    apply.add(hook.prepare(next));
                    applied.addAll(mine);
                }
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("reload refused, nothing changed: {}", e.getMessage());
            return ReloadResult.invalid(e.getMessage() + "; nothing changed");
        }
        apply.forEach(Runnable::run);
        List<String> restart = changedKeys(started, next).stream()
                .filter(k -> hooks.stream().noneMatch(h -> ownedBy(h, k))).toList();
        current = next;
        ReloadResult result = ReloadResult.of(applied, restart);
        LOG.info("reloaded {}: {}", file, result.message());
        return result;
    }

    private static boolean ownedBy(ReloadHook hook, String key) {
        return hook.keys().stream().anyMatch(k -> key.equals(k) || key.startsWith(k + "."));
    }

    /** Dotted keys whose value differs between {@code a} and {@code b}, secrets included, sorted. */
    static List<String> changedKeys(RaftgresConfig a, RaftgresConfig b) {
        Map<String, Object> left = flat("", a.toDisplayMap(), new LinkedHashMap<>());
        Map<String, Object> right = flat("", b.toDisplayMap(), new LinkedHashMap<>());
        TreeSet<String> keys = new TreeSet<>();
        TreeSet<String> all = new TreeSet<>(left.keySet());
        all.addAll(right.keySet());
        for (String k : all) {
            if (!Objects.equals(left.get(k), right.get(k))) {
                keys.add(k);
            }
        }
        // Masked in the display form: compare the values themselves (never printed).
        if (!Objects.equals(a.restapi().authentication(), b.restapi().authentication())) {
            keys.add("restapi.authentication");
        }
        if (!Objects.equals(a.postgresql().superuser(), b.postgresql().superuser())) {
            keys.add("postgresql.authentication.superuser");
        }
        if (!Objects.equals(a.postgresql().replication(), b.postgresql().replication())) {
            keys.add("postgresql.authentication.replication");
        }
        if (!Objects.equals(a.postgresql().rewindUser(), b.postgresql().rewindUser())) {
            keys.add("postgresql.authentication.rewind");
        }
        if (!Objects.equals(a.postgresql().parameters(), b.postgresql().parameters())) {
            a.postgresql().parameters().keySet().stream()
                    .filter(p -> !Objects.equals(a.postgresql().parameters().get(p), b.postgresql().parameters().get(p)))
                    .forEach(p -> keys.add("postgresql.parameters." + p));
            b.postgresql().parameters().keySet().stream().filter(p -> !a.postgresql().parameters().containsKey(p))
                    .forEach(p -> keys.add("postgresql.parameters." + p));
        }
        // A section that changed only under a masked key already has its own entry above.
        keys.removeIf(k -> k.startsWith("restapi.authentication.") || k.startsWith("postgresql.authentication.")
                && k.chars().filter(c -> c == '.').count() > 2);
        return List.copyOf(keys);
    }

    private static Map<String, Object> flat(String prefix, Map<String, Object> map, Map<String, Object> out) {
        map.forEach((k, v) -> {
            String key = prefix.isEmpty() ? k : prefix + "." + k;
            if (v instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) nested;
                flat(key, m, out);
            } else {
                out.put(key, v);
            }
        });
        return out;
    }
}
