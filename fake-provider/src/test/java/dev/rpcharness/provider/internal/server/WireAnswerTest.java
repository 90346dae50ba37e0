package dev.rpcharness.provider.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.protocol.WireContract;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An answer written into its buffer by {@link WireAnswer#encode} is byte for byte the answer {@link WireAnswer#of}
 * and {@link WireAnswer#closing} describe, whether its head is put together in the connection's scratch array (the
 * usual answer) or built in full (every other one), and one scratch array serves answer after answer.
 */
class WireAnswerTest {

    private static final List<String> IDS = List.of("1", "42", "18446744073709551615", "", "a b",
            "with\r\nX-Injected: 1", "tab\there\u007f", "caf\u00e9", "\u4e2d\u6587", "x".repeat(128), "y".repeat(129));

    @Test
    void everyAnswerIsTheBytesItsRecordDescribes() {
        byte[] scratch = WireAnswer.newScratch();
        List<byte[]> bodies = List.of(new byte[0], "{\"result\":1}".getBytes(StandardCharsets.UTF_8),
                new byte[12_345]);
        for (String id : concatNull(IDS)) {
            for (byte[] body : bodies) {
                for (int status : new int[] {200, 500}) {
                    for (String type : new String[] {WireContract.CONTENT_TYPE, "text/plain; charset=utf-8"}) {
                        for (boolean close : new boolean[] {false, true}) {
                            WireAnswer expected = close ? WireAnswer.closing(status, id, type, body)
                                    : WireAnswer.of(status, id, type, body);
                            ByteBuf buf = WireAnswer.encode(UnpooledByteBufAllocator.DEFAULT, status, id, type,
                                    body, close, scratch);
                            try {
                                assertThat(ByteBufUtil.getBytes(buf))
                                        .as("status %d, id %s, %s, close %s, body %d bytes", status, id, type,
                                                close, body.length)
                                        .isEqualTo(expected.bytes());
                            } finally {
                                buf.release();
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void theUsualAnswersHeadIsTheContractsHead() {
        ByteBuf buf = WireAnswer.encode(UnpooledByteBufAllocator.DEFAULT, 200, "7", WireContract.CONTENT_TYPE,
                "{}".getBytes(StandardCharsets.UTF_8), false, WireAnswer.newScratch());
        try {
            assertThat(buf.toString(StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200 OK\r\nContent-Type: "
                    + WireContract.CONTENT_TYPE + "\r\nContent-Length: 2\r\n" + WireContract.REQUEST_ID_HEADER
                    + ": 7\r\n\r\n{}");
        } finally {
            buf.release();
        }
    }

    private static List<String> concatNull(List<String> ids) {
        List<String> all = new java.util.ArrayList<>(ids);
        all.add(null);
        return all;
    }
}
