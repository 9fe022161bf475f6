/**
 * The JSON-lines access log: {@link io.sluice.proxy.accesslog.AccessLog#open(String)} with the
 * config's {@code access-log.path}, one {@link io.sluice.proxy.accesslog.AccessLogEntry} per request
 * logged from the event loop when the response ends (never blocks; drops and counts when full),
 * {@link io.sluice.proxy.accesslog.AccessLog#close()} at shutdown after the listeners stop.
 */
package io.sluice.proxy.accesslog;
