package dev.rpcharness.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The byte-level HTTP pieces both fast paths share. */
class HttpBytesTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void tokenCharsAreRfc9110TcharOnly() {
        for (byte b : ascii("azAZ09!#$%&'*+-.^_`|~")) {
            assertThat(HttpBytes.isTokenChar(b)).as("%c", (char) b).isTrue();
        }
        for (byte b : ascii(" :\t\"(),/;<=>?@[\\]{}\u007f")) {
            assertThat(HttpBytes.isTokenChar(b)).as("%d", b).isFalse();
        }
        assertThat(HttpBytes.isTokenChar((byte) 0xC3)).isFalse();
    }

    @Test
    void namesMatchIgnoringAsciiCaseOnlyAtTheirExactLength() {
        byte[] lower = HttpBytes.lowerCaseAscii("X-Rpc-Request-Id");
        byte[] line = ascii("..x-RPC-request-ID: 7");
        assertThat(HttpBytes.equalsLowerCase(line, 2, 16, lower)).isTrue();
        assertThat(HttpBytes.equalsLowerCase(line, 2, 15, lower)).isFalse();
        assertThat(HttpBytes.equalsLowerCase(line, 1, 16, lower)).isFalse();
    }

    @Test
    void decimalsAreDigitsOnlyWithinTheirLimit() {
        byte[] a = ascii("0123456789x");
        assertThat(HttpBytes.decimal(a, 0, 10, 10)).isEqualTo(123456789L);
        assertThat(HttpBytes.decimal(a, 0, 10, 9)).isEqualTo(-1);
        assertThat(HttpBytes.decimal(a, 3, 3, 10)).isEqualTo(-1);
        assertThat(HttpBytes.decimal(a, 5, 11, 10)).isEqualTo(-1);
        byte[] nineteen = ascii("1234567890123456789");
        assertThat(HttpBytes.decimal(nineteen, 0, 19, 30)).as("past 18 digits a long may overflow").isEqualTo(-1);
        assertThat(HttpBytes.decimal(nineteen, 0, 18, 30)).isEqualTo(123456789012345678L);
    }
}
