package io.raftgres.watchdog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A watchdog driver in memory: records every call as an event ("open", "support",
 * "setTimeout 1", "timeout", "write 1", "write V", "close"), keeps the timeout it was given,
 * and fails the operations a test names with the errno it names. Like the real device it refuses
 * calls while closed ({@code EBADF}), so a stray keepalive after disarm would show up as a
 * failure. Not thread-safe.
 */
final class FakeWatchdogDevice implements WatchdogDevice {

    private final Path path;
    private final List<String> events = new ArrayList<>();
    private final Map<String, Integer> failing = new HashMap<>();
    private boolean available = true;
    private int options = WatchdogInfo.SETTIMEOUT | WatchdogInfo.MAGICCLOSE | WatchdogInfo.KEEPALIVEPING;
    private int timeout = 60;
    private Integer fixedTimeout;
    private boolean open;

    /** A device at a path that is not a regular file, as a real watchdog is. */
    FakeWatchdogDevice() {
        this(Path.of("/dev/fake-watchdog"));
    }

    FakeWatchdogDevice(Path path) {
        this.path = path;
    }

    /** Makes {@code operation} ("open", "support", "setTimeout", "timeout", "write", "close") fail. */
    FakeWatchdogDevice failing(String operation, int errno) {
        failing.put(operation, errno);
        return this;
    }

    FakeWatchdogDevice repaired(String operation) {
        failing.remove(operation);
        return this;
    }

    FakeWatchdogDevice withOptions(int options) {
        this.options = options;
        return this;
    }

    /** The driver ignores SETTIMEOUT and always runs with {@code seconds}. */
    FakeWatchdogDevice withFixedTimeout(int seconds) {
        this.fixedTimeout = seconds;
        return this;
    }

    FakeWatchdogDevice available(boolean available) {
        this.available = available;
        return this;
    }

    List<String> events() {
        return List.copyOf(events);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public boolean isAvailable() {
        return available;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void open() throws WatchdogException {
        call("open", false);
        open = true;
    }

    @Override
    public WatchdogInfo support() throws WatchdogException {
        call("support", true);
        return new WatchdogInfo(options, 0, "Fake Watchdog");
    }

    @Override
    public int setTimeout(int seconds) throws WatchdogException {
        call("setTimeout", true, " " + seconds);
        timeout = fixedTimeout == null ? seconds : fixedTimeout;
        return timeout;
    }

    @Override
    public int timeout() throws WatchdogException {
        call("timeout", true);
        return fixedTimeout == null ? timeout : fixedTimeout;
    }

    @Override
    public void write(byte b) throws WatchdogException {
        call("write", true, " " + (char) b);
    }

    @Override
    public void close() throws WatchdogException {
        if (!open) {
            return;
        }
        open = false;
        call("close", false);
    }

    private void call(String operation, boolean needsOpen) throws WatchdogException {
        call(operation, needsOpen, "");
    }

    private void call(String operation, boolean needsOpen, String detail) throws WatchdogException {
        if (needsOpen && !open) {
            throw new WatchdogException(operation + " on " + path + " failed: EBADF", Errno.EBADF);
        }
        events.add(operation + detail);
        Integer errno = failing.get(operation);
        if (errno != null) {
            throw new WatchdogException(operation + " on " + path + " failed: " + Errno.name(errno), errno);
        }
    }
}
