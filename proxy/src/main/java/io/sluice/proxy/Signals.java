package io.sluice.proxy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs handlers for SIGHUP (reload) and SIGTERM (graceful stop) through {@code sun.misc.Signal},
 * the JDK's only way to catch a signal, reached by reflection so that the proxy still compiles
 * and runs where it is absent or a signal cannot be caught (Windows has no SIGHUP; a JVM started
 * with {@code -Xrs} refuses). What cannot be installed is reported, not thrown: the admin API's
 * {@code POST /reload} and the JVM's shutdown hook remain.
 *
 * <p>Catching SIGTERM replaces the JVM's own handling, which would run the shutdown hooks and exit
 * with status 143; the handler given here stops gracefully instead, and the process then exits 0.
 */
final class Signals {
    private Signals() {
    }

    /**
     * @return one line per signal that could not be caught, saying why; empty when both are installed
     */
    static List<String> install(Runnable onHangup, Runnable onTerminate) {
        List<String> problems = new ArrayList<>();
        Class<?> signal;
        Class<?> handler;
        try {
            signal = Class.forName("sun.misc.Signal");
            handler = Class.forName("sun.misc.SignalHandler");
        } catch (ClassNotFoundException | LinkageError e) {
            problems.add("signals cannot be caught on this JVM (no sun.misc.Signal): reload with POST /reload on the"
                    + " admin API; SIGTERM stops through the shutdown hook");
            return problems;
        }
        String hup = install(signal, handler, "HUP", onHangup);
        if (hup != null) {
            problems.add("SIGHUP cannot be caught (" + hup + "): reload with POST /reload on the admin API");
        }
        String term = install(signal, handler, "TERM", onTerminate);
        if (term != null) {
            problems.add("SIGTERM cannot be caught (" + term + "): it stops through the shutdown hook (exit 143)");
        }
        return problems;
    }

    /** Null when installed, else why not. */
    private static String install(Class<?> signalClass, Class<?> handlerClass, String name, Runnable action) {
        try {
            Object signal = signalClass.getConstructor(String.class).newInstance(name);
            InvocationHandler h = (proxy, method, args) -> dispatch(proxy, method, args, name, action);
            Object handler = java.lang.reflect.Proxy.newProxyInstance(Signals.class.getClassLoader(),
                    new Class<?>[]{handlerClass}, h);
            signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
            return null;
        } catch (InvocationTargetException e) {
            return String.valueOf(e.getCause() == null ? e : e.getCause().getMessage());
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return e.toString();
        }
    }

    private static Object dispatch(Object proxy, Method method, Object[] args, String name, Runnable action) {
        switch (method.getName()) {
            case "handle" -> {
                action.run();
                return null;
            }
            case "toString" -> {
                return "sluice SIG" + name + " handler";
            }
            case "hashCode" -> {
                return System.identityHashCode(proxy);
            }
            case "equals" -> {
                return proxy == args[0];
            }
            default -> {
                return null;
            }
        }
    }
}
