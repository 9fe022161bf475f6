package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxySmokeTest {
    @Test
    void forwardsAGet() throws Exception {
        try (ProxyFixture f = ProxyFixture.start("round-robin", List.of(TestBackend.start("b1")), "", "")) {
            HttpResponse<String> r = f.get("/hello?x=1");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("b1");
            TestBackend.Received got = f.backends.get(0).requests.peek();
            assertThat(got.target()).isEqualTo("/hello?x=1");
            assertThat(got.header("x-forwarded-for")).isEqualTo("127.0.0.1");
        }
    }
}
