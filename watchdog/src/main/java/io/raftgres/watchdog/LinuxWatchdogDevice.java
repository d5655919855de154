package io.raftgres.watchdog;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The watchdog device through libc's {@code open}, {@code ioctl}, {@code write} and
 * {@code close}, called with the JDK's foreign function API (no JNI, no JNA). errno is captured
 * right after each call ({@code Linker.Option.captureCallState}), so failures are reported by
 * name: {@code ENOENT} (no device: load {@code softdog} or a hardware driver), {@code EACCES}
 * (the agent's user may not open it), {@code EBUSY} (another process holds it, e.g. the
 * {@code watchdog} daemon), {@code ENOTTY} (the file is not a watchdog).
 *
 * <p>The descriptor is opened with {@code O_CLOEXEC}: a child process (pg_ctl, PostgreSQL, ip)
 * inheriting it would keep the device open after we close it, and the magic close would not
 * take effect. Linux on x86_64 or aarch64 only (ioctl encoding, flag and errno values); elsewhere
 * {@link #open} fails with a clear message. The JVM needs {@code --enable-native-access} for the
 * unnamed module (or this module) to call native code without warnings.
 *
 * <p>Not thread-safe: {@link LinuxWatchdog} serializes all calls.
 */
public final class LinuxWatchdogDevice implements WatchdogDevice {

    private static final int O_WRONLY = 0x1;
    private static final int O_CLOEXEC = 0x80000;
    private static final Set<String> SUPPORTED_ARCHITECTURES = Set.of("amd64", "x86_64", "aarch64");

    private final Path path;
    private int fd = -1;

    public LinuxWatchdogDevice(Path path) {
        this.path = path;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public boolean isAvailable() {
        return Files.exists(path) && Files.isWritable(path);
    }

    @Override
    public boolean isOpen() {
        return fd >= 0;
    }

    @Override
    public void open() throws WatchdogException {
        if (isOpen()) {
            return;
        }
        requireSupportedPlatform();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CAPTURE);
            int result = (int) Libc.OPEN.invokeExact(state, arena.allocateFrom(path.toString()), O_WRONLY | O_CLOEXEC);
            if (result < 0) {
                throw failure("open", state);
            }
            fd = result;
        } catch (WatchdogException e) {
            throw e;
        } catch (Throwable e) {
            throw new WatchdogException("open(" + path + ") could not be called: " + e);
        }
    }

    @Override
    public WatchdogInfo support() throws WatchdogException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(WatchdogIoctl.WATCHDOG_INFO_SIZE, 4);
            ioctl(arena, WatchdogIoctl.GETSUPPORT, info);
            byte[] identity = info.asSlice(8, 32).toArray(JAVA_BYTE);
            int length = 0;
            while (length < identity.length && identity[length] != 0) {
                length++;
            }
            return new WatchdogInfo(info.get(JAVA_INT, 0), info.get(JAVA_INT, 4),
                    new String(identity, 0, length, StandardCharsets.US_ASCII));
        }
    }

    @Override
    public int setTimeout(int seconds) throws WatchdogException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocateFrom(JAVA_INT, seconds);
            ioctl(arena, WatchdogIoctl.SETTIMEOUT, value);
            return value.get(JAVA_INT, 0);
        }
    }

    @Override
    public int timeout() throws WatchdogException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            ioctl(arena, WatchdogIoctl.GETTIMEOUT, value);
            return value.get(JAVA_INT, 0);
        }
    }

    @Override
    public void write(byte b) throws WatchdogException {
        requireOpen("write");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CAPTURE);
            long written = (long) Libc.WRITE.invokeExact(state, fd, arena.allocateFrom(JAVA_BYTE, b), 1L);
            if (written != 1) {
                throw written < 0 ? failure("write", state)
                        : new WatchdogException("write to " + path + " wrote " + written + " bytes instead of 1");
            }
        } catch (WatchdogException e) {
            throw e;
        } catch (Throwable e) {
            throw new WatchdogException("write(" + path + ") could not be called: " + e);
        }
    }

    @Override
    public void close() throws WatchdogException {
        if (!isOpen()) {
            return;
        }
        int closing = fd;
        // Linux releases the descriptor even when close fails; never retry it.
        fd = -1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CAPTURE);
            if ((int) Libc.CLOSE.invokeExact(state, closing) < 0) {
                throw failure("close", state);
            }
        } catch (WatchdogException e) {
            throw e;
        } catch (Throwable e) {
            throw new WatchdogException("close(" + path + ") could not be called: " + e);
        }
    }

    private void ioctl(Arena arena, int request, MemorySegment argument) throws WatchdogException {
        String name = WatchdogIoctl.name(request);
        requireOpen("ioctl(" + name + ")");
        try {
            MemorySegment state = arena.allocate(Libc.CAPTURE);
            if ((int) Libc.IOCTL.invokeExact(state, fd, WatchdogIoctl.asRequest(request), argument) < 0) {
                throw failure("ioctl(" + name + ")", state);
            }
        } catch (WatchdogException e) {
            throw e;
        } catch (Throwable e) {
            throw new WatchdogException("ioctl(" + name + ") on " + path + " could not be called: " + e);
        }
    }

    private void requireOpen(String operation) throws WatchdogException {
        if (!isOpen()) {
            throw new WatchdogException(operation + " on " + path + ": the device is not open");
        }
    }

    private WatchdogException failure(String operation, MemorySegment state) {
        int errno = state.get(JAVA_INT, Libc.ERRNO_OFFSET);
        return new WatchdogException(operation + " on " + path + " failed: " + Errno.name(errno)
                + " (" + Libc.strerror(errno) + ")", errno);
    }

    private static void requireSupportedPlatform() throws WatchdogException {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.equals("Linux") || !SUPPORTED_ARCHITECTURES.contains(arch)) {
            throw new WatchdogException("the watchdog needs Linux on x86_64 or aarch64, this is " + os + " on " + arch);
        }
    }

    /** libc downcall handles, bound on first use so other platforms never try to link them. */
    private static final class Libc {
        static final Linker LINKER = Linker.nativeLinker();
        static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
        static final long ERRNO_OFFSET = CAPTURE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
        private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");

        /** int open(const char *path, int flags, ...): variadic after flags. */
        static final MethodHandle OPEN = bind("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
                ERRNO, Linker.Option.firstVariadicArg(2));
        /** int ioctl(int fd, unsigned long request, ...): our argument is always a pointer. */
        static final MethodHandle IOCTL = bind("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
                ERRNO, Linker.Option.firstVariadicArg(2));
        /** ssize_t write(int fd, const void *buf, size_t count). */
        static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG),
                ERRNO);
        /** int close(int fd). */
        static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
        /** char *strerror(int errnum): only for messages. */
        static final MethodHandle STRERROR = LINKER.downcallHandle(
                LINKER.defaultLookup().find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));

        private static MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... options) {
            MemorySegment symbol = LINKER.defaultLookup().find(name)
                    .orElseThrow(() -> new IllegalStateException("libc has no " + name));
            return LINKER.downcallHandle(symbol, descriptor, options);
        }

        static String strerror(int errno) {
            try {
                MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
                return text.equals(MemorySegment.NULL) ? "unknown error" : text.reinterpret(256).getString(0);
            } catch (Throwable e) {
                return "no description: " + e;
            }
        }
    }
}
