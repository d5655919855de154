package io.raftgres.watchdog;

import java.util.Map;

/**
 * Symbolic names of the errno values a watchdog open/ioctl/write can fail with, so that reports
 * say {@code ENOTTY} rather than 25. The values are those of {@code asm-generic/errno-base.h},
 * shared by x86_64 and aarch64.
 */
final class Errno {

    static final int ENOENT = 2;
    static final int EBADF = 9;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int ENOTTY = 25;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(4, "EINTR"), Map.entry(5, "EIO"),
            Map.entry(6, "ENXIO"), Map.entry(EBADF, "EBADF"), Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"),
            Map.entry(EACCES, "EACCES"), Map.entry(14, "EFAULT"), Map.entry(EBUSY, "EBUSY"),
            Map.entry(19, "ENODEV"), Map.entry(20, "ENOTDIR"), Map.entry(EISDIR, "EISDIR"),
            Map.entry(EINVAL, "EINVAL"), Map.entry(ENOTTY, "ENOTTY"), Map.entry(30, "EROFS"),
            Map.entry(95, "EOPNOTSUPP"));

    private Errno() {
    }

    /** {@code ENOTTY} for 25; {@code errno 123} for values without a name here. */
    static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}
