package io.sluice.proxy.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real KRaft broker per test class: started before the class's first test, killed after its
 * last, its storage in a fresh temporary directory. A test method or constructor takes the
 * {@link KafkaBroker} as a parameter (to read its bootstrap address, or kill and restart it).
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path dir = Files.createTempDirectory("sluice-kafka-");
        KafkaBroker broker = new KafkaBroker(dir);
        broker.start();
        context.getStore(NS).put("broker", broker);
        context.getStore(NS).put("dir", dir);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        KafkaBroker broker = context.getStore(NS).remove("broker", KafkaBroker.class);
        if (broker != null) {
            broker.close();
        }
        Path dir = context.getStore(NS).remove("dir", Path.class);
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == KafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        return c.getStore(NS).get("broker", KafkaBroker.class);
    }
}
