package dev.rpcharness.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientComparisonTest {

    @Test
    void consumerCoreAndRawNettyBothCompleteEveryCallOnTheSameProvider() {
        List<String> lines = new ArrayList<>();

        ClientComparison.run(2_000, 16, 1, lines::add);

        assertThat(lines).hasSize(4);
        assertThat(lines).allSatisfy(line -> assertThat(line).contains(" 2000 calls    0 failed"));
        assertThat(lines.get(2)).contains("consumer-core");
        assertThat(lines.get(3)).contains("raw-netty");
    }
}
