package io.raftgres.ctl;

/** {@code -f/--format} of the read commands; picocli matches the names case-insensitively. */
enum OutputFormat {
    PRETTY, TSV, JSON, YAML
}
