package io.sluice.proxy.accesslog;

/** {@code access-log.path: off}: accepts every entry and writes none. */
enum DisabledAccessLog implements AccessLog {
    INSTANCE;

    @Override
    public boolean log(AccessLogEntry entry) {
        return true;
    }

    @Override
    public long written() {
        return 0;
    }

    @Override
    public long dropped() {
        return 0;
    }

    @Override
    public long failed() {
        return 0;
    }

    @Override
    public void close() {
        // nothing to release
    }
}
