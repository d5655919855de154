package io.raftgres.api;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;

import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /reload}: the agent re-reads its YAML and applies what can change at runtime. As
 * Patroni: 200 when nothing changed, 202 with what was applied and what needs an agent restart;
 * 400 with the file's problems when it does not load (then nothing changed).
 */
@Controller
final class ReloadController {

    private final AgentFacade facade;

    ReloadController(AgentFacade facade) {
        this.facade = facade;
    }

    @Post(value = "/reload", consumes = MediaType.ALL, produces = MediaType.TEXT_PLAIN)
    CompletableFuture<MutableHttpResponse<?>> reload() {
        return facade.reload().thenApply(r -> HttpResponse
                .status(!r.valid() ? HttpStatus.BAD_REQUEST : r.unchanged() ? HttpStatus.OK : HttpStatus.ACCEPTED)
                .contentType(MediaType.TEXT_PLAIN_TYPE)
                .body(r.unchanged() ? "nothing changed" : r.message()));
    }
}
