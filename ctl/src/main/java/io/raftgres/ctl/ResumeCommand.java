package io.raftgres.ctl;

import picocli.CommandLine.Command;

/** {@code resume}: leaves maintenance mode ({@code PATCH /config {"pause": null}}). */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Leave maintenance mode: the members manage PostgreSQL again.")
final class ResumeCommand extends PauseCommand {

    @Override
    boolean pause() {
        return false;
    }
}
