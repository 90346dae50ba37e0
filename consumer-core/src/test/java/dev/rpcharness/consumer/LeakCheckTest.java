package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.testing.NettyLeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/**
 * Behaviour 15 depends on the leak check that runs after every test class; this proves the check sees a leak
 * when there is one (it leaks a buffer on purpose, then clears the report so the class itself passes).
 */
class LeakCheckTest {

    @Test
    void leakCheckReportsADeliberatelyLeakedBuffer() {
        NettyLeakCheck.collectLeaks();
        leakOneBuffer();
        assertThat(NettyLeakCheck.collectLeaks()).isNotEmpty()
                .anySatisfy(leak -> assertThat(leak).contains("ByteBuf"));
    }

    private static void leakOneBuffer() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(64);
        leaked.writeInt(42);
        // dropped without release
    }
}
