package io.raftgres.it;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A machine-wide lock ({@code /tmp/raftgres-it.lock}) held while a cluster of the suite exists:
 * container names, addresses and the network are fixed, so two test JVMs on one machine would
 * remove each other's containers. The second one waits (bounded) instead.
 *
 * <p>Held by at most one fixture per JVM at a time; the JVM's exit releases it as well.
 */
final class SuiteLock implements AutoCloseable {

    private static final Path FILE = Path.of(System.getProperty("java.io.tmpdir"), "raftgres-it.lock");
    private static final Duration WAIT = Duration.ofMinutes(30);

    private final FileChannel channel;
    private final FileLock lock;

    private SuiteLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits up to 30 minutes for the lock; fails naming the file when it stays taken. */
    static SuiteLock acquire() {
        try {
            FileChannel channel = FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return new SuiteLock(channel, lock);
                }
                if (System.nanoTime() - deadline >= 0) {
                    channel.close();
                    throw new IllegalStateException("another container suite run holds " + FILE + " for over "
                            + WAIT.toMinutes() + " min");
                }
                TimeUnit.SECONDS.sleep(1);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot lock " + FILE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + FILE, e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new IllegalStateException("cannot release " + FILE, e);
        }
    }
}
