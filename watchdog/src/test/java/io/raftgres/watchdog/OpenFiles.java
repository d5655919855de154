package io.raftgres.watchdog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** This JVM's open descriptors, read from {@code /proc/self}, to check what the device code left open. */
final class OpenFiles {

    private OpenFiles() {
    }

    /** The descriptor numbers that refer to {@code file}. */
    static List<Integer> descriptorsOf(Path file) throws IOException {
        Path target = file.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(target);
                } catch (IOException e) {
                    return false; // closed between list and read, e.g. the listing's own descriptor
                }
            }).map(fd -> Integer.parseInt(fd.getFileName().toString())).toList();
        }
    }

    /** The octal open flags of descriptor {@code fd}, from {@code /proc/self/fdinfo}. */
    static int flagsOf(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring("flags:".length()).strip(), 8);
            }
        }
        throw new IOException("no flags line for descriptor " + fd);
    }
}
