package io.sluice.loadtests;

import java.lang.management.ManagementFactory;

/** The open-file limit of this process: the load generators hold a socket per device. */
public final class FileDescriptors {
    private FileDescriptors() {
    }

    /** The process's open-file limit ({@code ulimit -n}), or -1 when the JVM does not tell. */
    public static long limit() {
        return ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }
}
