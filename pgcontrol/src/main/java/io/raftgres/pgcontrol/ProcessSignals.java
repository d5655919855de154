package io.raftgres.pgcontrol;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.raftgres.core.spi.PostgresControlException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Set;

/**
 * Sends signals to other processes through libc's {@code kill(2)}, called with the JDK's foreign function
 * API: {@link ProcessHandle} can only send SIGTERM and SIGKILL, and the immediate stop needs SIGQUIT
 * (what {@code pg_ctl stop -m immediate} sends) and SIGSTOP (to freeze a postmaster so that it forks no
 * new children while they are killed). errno is captured right after the call, so a refusal is reported
 * by name. The JVM needs {@code --enable-native-access} for the unnamed module to call native code
 * without warnings (the launcher and the surefire configuration pass it).
 *
 * <p>Linux on x86_64 or aarch64 only: the signal and errno numbers below are those of
 * {@code asm-generic}, which both share; elsewhere {@link #send} fails with a clear message. The caller
 * must be allowed to signal the target: root, or the same user (the agent runs as one of them).
 * Thread-safe (stateless).
 */
final class ProcessSignals {

    /** Signals this project sends, with their Linux numbers (x86_64 and aarch64 agree on these). */
    enum Signal {
        SIGQUIT(3), SIGKILL(9), SIGCONT(18), SIGSTOP(19);

        final int number;

        Signal(int number) {
            this.number = number;
        }
    }

    static final int EPERM = 1;
    static final int ESRCH = 3;
    private static final Set<String> SUPPORTED_ARCHITECTURES = Set.of("amd64", "x86_64", "aarch64");

    private ProcessSignals() {
    }

    /**
     * Sends {@code signal} to process {@code pid}.
     *
     * @return false when no such process exists (ESRCH), which callers read as "already gone"
     * @throws PostgresControlException when the kernel refuses (EPERM) or kill cannot be called
     */
    static boolean send(long pid, Signal signal) {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            // kill(0 or negative) would signal process groups: never what a caller here means.
            throw new IllegalArgumentException("not a single process id: " + pid);
        }
        requireSupportedPlatform();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CAPTURE);
            if ((int) Libc.KILL.invokeExact(state, (int) pid, signal.number) == 0) {
                return true;
            }
            int errno = state.get(JAVA_INT, Libc.ERRNO_OFFSET);
            if (errno == ESRCH) {
                return false;
            }
            String name = errno == EPERM ? "EPERM (not allowed to signal it)" : "errno " + errno;
            throw new PostgresControlException("kill(" + pid + ", " + signal + ") failed: " + name);
        } catch (PostgresControlException e) {
            throw e;
        } catch (Throwable e) {
            throw new PostgresControlException("kill(" + pid + ", " + signal + ") could not be called: " + e, e);
        }
    }

    private static void requireSupportedPlatform() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.equals("Linux") || !SUPPORTED_ARCHITECTURES.contains(arch)) {
            throw new PostgresControlException("signalling PostgreSQL needs Linux on x86_64 or aarch64, this is "
                    + os + " on " + arch);
        }
    }

    /** The libc downcall, bound on first use so other platforms never try to link it. */
    private static final class Libc {
        static final Linker LINKER = Linker.nativeLinker();
        static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
        static final long ERRNO_OFFSET = CAPTURE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
        /** int kill(pid_t pid, int sig); pid_t is a 32-bit int on Linux. */
        static final MethodHandle KILL = LINKER.downcallHandle(
                LINKER.defaultLookup().find("kill").orElseThrow(() -> new IllegalStateException("libc has no kill")),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.captureCallState("errno"));
    }
}
