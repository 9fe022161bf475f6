package io.sluice.cli;

/** Waiting for a child process without ever leaving it behind. */
final class ChildProcesses {
    private ChildProcesses() {
    }

    /**
     * Waits for {@code child} to exit and returns its exit code. If this JVM is shut down meanwhile
     * (Ctrl-C, kill) or the wait is interrupted, the child and its descendants (JMH's forked JVMs)
     * are destroyed rather than left running.
     */
    static int await(Process child) {
        Thread reaper = new Thread(() -> destroyTree(child), "sluice-child-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            return child.waitFor();
        } catch (InterruptedException e) {
            destroyTree(child);
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while waiting for " + child.info().command().orElse("a child process"));
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or has run; nothing left to remove.
            }
        }
    }

    private static void destroyTree(Process child) {
        child.descendants().forEach(ProcessHandle::destroy);
        child.destroy();
    }
}
