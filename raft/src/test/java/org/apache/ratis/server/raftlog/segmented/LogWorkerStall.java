package org.apache.ratis.server.raftlog.segmented;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.server.raftlog.RaftLog;

/**
 * Test-only: a task that holds one server's log worker until released, the way a slow disk would. Entries appended
 * after it still enter the log's cache, but their writes (and so the appends' futures) wait behind it.
 *
 * <p>It lives in Ratis' package because the worker's task type is package-private. Ratis 3.3.0's own worker hook
 * ({@code SegmentedRaftLogWorker.RUN_WORKER}) runs once when the worker thread starts, not per task, so it cannot
 * stall a running worker. The task is queued through the worker's own {@code addIOTask} (reflection).
 */
public final class LogWorkerStall extends SegmentedRaftLog.Task implements AutoCloseable {

    private final CountDownLatch released = new CountDownLatch(1);
    private final long maxNanos;

    private LogWorkerStall(Duration max) {
        this.maxNanos = max.toNanos();
    }

    /** Queues a stall on {@code log}'s worker; it holds the worker for at most {@code max} or until closed. */
    public static LogWorkerStall install(RaftLog log, Duration max) throws ReflectiveOperationException {
        var workerField = SegmentedRaftLog.class.getDeclaredField("fileLogWorker");
        workerField.setAccessible(true);
        Object worker = workerField.get(log);
        Method addIOTask = SegmentedRaftLogWorker.class.getDeclaredMethod("addIOTask", SegmentedRaftLog.Task.class);
        addIOTask.setAccessible(true);
        LogWorkerStall stall = new LogWorkerStall(max);
        addIOTask.invoke(worker, stall);
        return stall;
    }

    @Override
    void execute() {
        try {
            released.await(maxNanos, TimeUnit.NANOSECONDS); // bounded: a failed test must not hang the worker
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the worker is closing
        }
    }

    @Override
    long getEndIndex() {
        return RaftLog.INVALID_LOG_INDEX;
    }

    /** Lets the worker go on; idempotent. */
    @Override
    public void close() {
        released.countDown();
    }
}
