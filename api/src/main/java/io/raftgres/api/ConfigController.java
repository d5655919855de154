package io.raftgres.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.Put;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.FeatureLevel;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code PATCH /config} (merge, {@code null} deletes a key) and {@code PUT /config} (replace).
 * The body is validated completely before anything is submitted: any error answers 400 naming
 * the key and changes nothing. {@code If-Match: <version>} (the {@code ETag} of
 * {@code GET /config}) makes the write conditional: 409 when the version moved on. A PATCH is
 * always conditional on the version it merged into, so two concurrent PATCHes never lose one
 * another's change silently: the second gets 409. Authentication is checked before this runs
 * ({@link RestAccessFilter}); an oversized body gets 413 before it too.
 */
@Controller("/config")
final class ConfigController {

    private final AgentFacade facade;
    private static final JsonFactory TRAILING_CHECK = new JsonFactory();

    private final JsonMapper json;

    ConfigController(AgentFacade facade, JsonMapper json) {
        this.facade = facade;
        this.json = json;
    }

    @Patch(consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<?>> patch(@Body @Nullable byte[] body,
                                                    @Header(HttpHeaders.IF_MATCH) @Nullable String ifMatch) {
        return write(body, ifMatch, true);
    }

    @Put(consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<?>> put(@Body @Nullable byte[] body,
                                                  @Header(HttpHeaders.IF_MATCH) @Nullable String ifMatch) {
        return write(body, ifMatch, false);
    }

    private CompletableFuture<MutableHttpResponse<?>> write(byte[] body, String ifMatch, boolean merge) {
        StatusSnapshot snapshot = facade.snapshot();
        if (!snapshot.cluster().isInitialized()) {
            return done(text(HttpStatus.SERVICE_UNAVAILABLE, "cluster is not initialized: no dynamic configuration yet"));
        }
        DynamicConfig current = snapshot.cluster().config();
        DynamicConfig next;
        long expected;
        try {
            Long wanted = ifMatch == null ? null : version(ifMatch);
            if (wanted != null && wanted != current.version()) {
                return done(text(HttpStatus.CONFLICT, "configuration version is " + current.version() + ", not "
                        + wanted + ": it changed since you read it; GET /config and try again"));
            }
            Map<String, Object> doc = parse(json, body);
            next = ConfigDocument.parse(merge ? ConfigDocument.merge(ConfigDocument.document(current), doc) : doc);
            expected = merge || wanted != null ? current.version() : -1;
        } catch (InvalidConfigException e) {
            return done(text(HttpStatus.BAD_REQUEST, e.getMessage()));
        }
        int level = snapshot.cluster().featureLevel();
        if (next.pause() && level < FeatureLevel.DYNAMIC_CONFIG) {
            // Members on an older build would not pause: every member must run a build with level 3 first.
            return done(text(HttpStatus.CONFLICT, "pause: the cluster runs feature level " + level + "; pause needs "
                    + FeatureLevel.DYNAMIC_CONFIG + ", which the Raft leader sets once every member runs a build "
                    + "that supports it"));
        }
        if (next.sync().enabled() && level < FeatureLevel.SYNC_REPLICATION) {
            return done(text(HttpStatus.CONFLICT, "synchronous_mode: the cluster runs feature level " + level
                    + "; synchronous replication needs " + FeatureLevel.SYNC_REPLICATION + ", which the Raft leader"
                    + " sets once every member runs a build that supports it"));
        }
        return facade.writeConfig(next, expected).thenApply(result -> switch (result.outcome()) {
            case APPLIED -> HttpResponse.ok(ClusterJson.config(result.config()))
                    .header(HttpHeaders.ETAG, etag(result.config()));
            case CONFLICT -> text(HttpStatus.CONFLICT, result.message());
            case UNAVAILABLE -> text(HttpStatus.SERVICE_UNAVAILABLE, result.message());
        });
    }

    /** The config version as an entity tag, e.g. {@code "7"}. */
    static String etag(DynamicConfig config) {
        return "\"" + config.version() + "\"";
    }

    private static long version(String ifMatch) {
        String v = ifMatch.trim();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1);
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException("If-Match", "must be the configuration version (the ETag of GET /config)");
        }
    }

    /** The body as a JSON object (maps, lists, plain values); 400 text in the exception otherwise. */
    static Map<String, Object> parse(JsonMapper json, byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidConfigException("body", "empty: send a JSON object");
        }
        JsonNode root;
        try {
            root = json.readValue(body, Argument.of(JsonNode.class));
        } catch (IOException | RuntimeException e) {
            throw new InvalidConfigException("body", "not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidConfigException("body", "must be a JSON object");
        }
        if (hasTrailingContent(body)) {
            throw new InvalidConfigException("body", "not valid JSON: something follows the object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) plain(root);
        return doc;
    }

    /**
     * Whether anything but whitespace follows the first JSON value: the tree reader stops after
     * it, so {@code {} garbage} would otherwise pass as an empty change. Found by
     * WriteEndpointFuzzTest.
     */
    private static boolean hasTrailingContent(byte[] body) {
        try (JsonParser parser = TRAILING_CHECK.createParser(ObjectReadContext.empty(), body)) {
            parser.nextToken();
            parser.skipChildren();
            return parser.nextToken() != null;
        } catch (JacksonException e) {
            return true;
        }
    }

    /** Micronaut's tree as maps, lists, numbers, strings, booleans and (kept) nulls. */
    private static Object plain(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.entries()) {
                map.put(e.getKey(), plain(e.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.values().forEach(v -> list.add(plain(v)));
            return list;
        }
        if (node.isNull()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.getBooleanValue();
        }
        if (node.isNumber()) {
            return node.getNumberValue();
        }
        return node.getStringValue();
    }

    private static MutableHttpResponse<?> text(HttpStatus status, String message) {
        return HttpResponse.status(status).contentType(MediaType.TEXT_PLAIN_TYPE).body(message);
    }

    private static CompletableFuture<MutableHttpResponse<?>> done(MutableHttpResponse<?> response) {
        return CompletableFuture.completedFuture(response);
    }
}
