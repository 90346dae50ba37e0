package dev.rpcharness.provider.internal.server;

import dev.rpcharness.protocol.WireContract;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Generates what a consumer may write on a provider connection, for {@link CallRequestDecoderFuzzTest}: one to
 * three requests, mostly the contract's plain {@code POST /rpc} call, each with some of its parts varied (request
 * line, line ends, header names, casing, blanks and values, duplicated, folded, non-ASCII or over-long headers,
 * every spelling of Content-Length, chunked bodies, {@code Expect}, {@code Connection}, bodies shorter or longer
 * than announced, over the limit), sometimes mutated byte-wise, cut into writes; then the connection ends or
 * stays. Every choice comes from a {@link Pick}, so a seed or a fuzzer input replays its bytes. Stateless.
 */
final class CallRequestBytes {

    /** Where the choices come from: a seeded {@code java.util.Random}, or Jazzer's fuzzer input. */
    @FunctionalInterface
    interface Pick {
        /** A number in {@code [min, max]}, both inclusive. */
        int between(int min, int max);

        default boolean oneIn(int n) {
            return between(1, n) == 1;
        }

        default <T> T of(List<T> values) {
            return values.get(between(0, values.size() - 1));
        }
    }

    /** The writes of one connection, and whether the input then ends (the consumer closes). */
    record Input(List<byte[]> writes, boolean ends) {
        @Override
        public String toString() {
            StringBuilder out = new StringBuilder(ends ? "then ends: " : "stays open: ");
            for (byte[] write : writes) {
                for (byte b : write) {
                    int c = b & 0xff;
                    out.append(c == '\\' ? "\\\\" : c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
                            : c == '\r' ? "\\r" : c == '\n' ? "\\n" : String.format("\\x%02x", c));
                }
                out.append(" | ");
            }
            return out.toString();
        }
    }

    private static final List<String> REQUEST_LINES = List.of("GET /rpc HTTP/1.1", "POST /other HTTP/1.1",
            "POST /rpc HTTP/1.0", "post /rpc HTTP/1.1", "POST  /rpc HTTP/1.1", "POST /rpc?x=1 HTTP/1.1",
            "POST /rpc HTTP/1.1 ", "POST /rpc HTTP/2.0", "POST http://h/rpc HTTP/1.1", "POST /rpc", "PUT /rpc HTTP/1.1",
            " POST /rpc HTTP/1.1", "POST /RPC HTTP/1.1", "POST /rpc/ HTTP/1.1");
    private static final List<String> IDS = List.of("1", "42", "0", "-1", "007", "18446744073709551616", "abc", "",
            " 5 ", "\t6\t", "1 2", "caf\u00e9", "9\u0001");
    private static final List<String> CLIENT_IDS = List.of("c1", "c1", "c1", "c2", "0123456789abcdef", "");
    private static final List<String> NUMBER_SPELLINGS = List.of("+5", "-5", "-0", "+", "-", "007", "0", "",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551616",
            "99999999999999999999", "1 2", "1\t2", "5a", "0x10", "1e3", "\u0665", "\u00b2");
    private static final List<String> LENGTH_SPELLINGS = List.of("+%d", "-1", " %d ", "0x%d", "%d, %d", "",
            "%d0000000000000000000", "0%d", "%d.0", "%d%d", "1e3", "9223372036854775807", "99999999999999999999");
    private static final List<String> ODD_HEADERS = List.of("Expect: 100-continue", "Transfer-Encoding: chunked",
            "Transfer-Encoding: identity", "Connection: upgrade", "Connection: keep-alive, close", "Connection: CLOSE",
            "Connection:", "Bad Header: x", ": novalue", "NoColon", "X@Y: 1", "X-Note: caf\u00e9", "X-Ctl: a\u0001b",
            " folded continuation", "\tfolded tab", "X-Long: " + "a".repeat(8300), "Upgrade: h2c",
            "Content-Type: text/plain", "X-Rpc-Timeout-Ms: 3000", "X-Rpc-Call-Seq: 7", "Host: a");
    private static final int MAX_BODY = 1024;

    private CallRequestBytes() {
    }

    /** The provider's body limit the tests use (the aggregator's, and the fast path's). */
    static int maxBodyBytes() {
        return MAX_BODY;
    }

    static Input next(Pick pick) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int requests = pick.between(1, 3);
        // A consumer repeats the start of its heads (Host, Content-Type, its client id) on every call: most
        // connections here do too, with the lines varied once per connection, so the decoder's known start is
        // taken, missed and replaced.
        List<String> start = pick.oneIn(4) ? null : consumerStart(pick);
        for (int i = 0; i < requests; i++) {
            all.writeBytes(request(pick, start == null || pick.oneIn(6) ? consumerStart(pick) : start));
        }
        if (pick.oneIn(10)) {
            all.writeBytes(latin1(pick, 1, 40)); // garbage after the requests
        }
        byte[] bytes = pick.oneIn(4) ? mutate(all.toByteArray(), pick) : all.toByteArray();
        return new Input(cut(bytes, pick), pick.oneIn(2));
    }

    /** The header lines a consumer sends ahead of the per-call ones, varied. */
    private static List<String> consumerStart(Pick pick) {
        List<String> lines = new ArrayList<>();
        if (!pick.oneIn(4)) {
            lines.add("Host: 127.0.0.1");
        }
        if (pick.oneIn(2)) {
            lines.add(name(pick, "Content-Type") + ": application/json");
        }
        if (pick.oneIn(2)) {
            lines.add(name(pick, WireContract.CLIENT_ID_HEADER) + ":" + blank(pick) + pick.of(CLIENT_IDS)
                    + blank(pick));
        }
        return lines;
    }

    private static byte[] request(Pick pick, List<String> start) {
        String eol = pick.oneIn(15) ? "\n" : "\r\n";
        String line = pick.oneIn(8) ? pick.of(REQUEST_LINES) : "POST " + WireContract.CALL_PATH + " HTTP/1.1";
        byte[] body = latin1(pick, 0, pick.oneIn(10) ? 1500 : 60);
        boolean chunked = pick.oneIn(10);
        List<String> headers = new ArrayList<>(start);
        if (!pick.oneIn(3)) {
            headers.add(name(pick, WireContract.REQUEST_ID_HEADER) + ":" + blank(pick)
                    + (pick.oneIn(5) ? pick.of(IDS) : Integer.toString(pick.between(1, 99999))) + blank(pick));
        }
        if (pick.oneIn(2)) {
            headers.add(name(pick, WireContract.TIMEOUT_HEADER) + ": " + number(pick, 60000));
        }
        if (pick.oneIn(3)) {
            headers.add(name(pick, WireContract.CALL_SEQ_HEADER) + ":" + blank(pick) + number(pick, 99));
        }
        if (pick.oneIn(8)) { // a client id after per-call headers, or a second one
            headers.add(name(pick, WireContract.CLIENT_ID_HEADER) + ":" + blank(pick) + pick.of(CLIENT_IDS));
        }
        if (pick.oneIn(4)) {
            headers.add(name(pick, WireContract.DEADLINE_HEADER) + ":" + blank(pick) + number(pick, 1_900_000_000)
                    + blank(pick));
        }
        if (pick.oneIn(4)) {
            headers.add(name(pick, "Connection") + ": " + pick.of(List.of("close", "keep-alive", "Close", "Keep-Alive")));
        }
        if (chunked) {
            headers.add(name(pick, "Transfer-Encoding") + ": chunked");
        }
        if (!chunked || pick.oneIn(3)) {
            int announced = pick.oneIn(8) ? Math.max(0, body.length + pick.between(-5, 5)) : body.length;
            String value = pick.oneIn(10) ? String.format(Locale.ROOT, pick.of(LENGTH_SPELLINGS), announced, announced)
                    : Integer.toString(announced);
            if (!pick.oneIn(12)) {
                headers.add(name(pick, "Content-Length") + ":" + blank(pick) + value + blank(pick));
            }
        }
        for (int k = pick.between(0, 2); k > 0; k--) {
            String extra = pick.oneIn(3) ? pick.of(ODD_HEADERS) : "X-Other: " + pick.between(0, 9);
            headers.add(pick.between(0, headers.size()), extra);
        }
        if (pick.oneIn(8) && !headers.isEmpty()) {
            headers.add(pick.of(headers)); // a duplicate
        }
        StringBuilder head = new StringBuilder(line).append(eol);
        for (String header : headers) {
            head.append(header).append(eol);
        }
        head.append(eol);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(chunked ? chunks(body, pick) : body);
        return out.toByteArray();
    }

    /** A number header's value: mostly a plain number up to {@code max}, sometimes an odd spelling. */
    private static String number(Pick pick, int max) {
        return pick.oneIn(5) ? pick.of(NUMBER_SPELLINGS) : Integer.toString(pick.between(0, max));
    }

    /** The name with its casing varied now and then (HTTP names are case-insensitive). */
    private static String name(Pick pick, String name) {
        return switch (pick.between(0, 7)) {
            case 0 -> name.toLowerCase(Locale.ROOT);
            case 1 -> name.toUpperCase(Locale.ROOT);
            default -> name;
        };
    }

    private static String blank(Pick pick) {
        return pick.of(List.of(" ", " ", "", "  ", "\t", " \t"));
    }

    private static byte[] chunks(byte[] body, Pick pick) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int n = Math.min(body.length - at, pick.between(1, 40));
            out.writeBytes((Integer.toHexString(n) + (pick.oneIn(10) ? ";ext=1" : "") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, n);
            out.writeBytes(new byte[] {'\r', '\n'});
            at += n;
        }
        if (!pick.oneIn(10)) {
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private static byte[] latin1(Pick pick, int min, int max) {
        byte[] bytes = new byte[pick.between(min, max)];
        boolean json = !pick.oneIn(4);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (json ? pick.between(0x20, 0x7e) : pick.between(0, 255));
        }
        return bytes;
    }

    /** A flipped byte, a deleted range or inserted bytes, somewhere. */
    private static byte[] mutate(byte[] bytes, Pick pick) {
        if (bytes.length == 0) {
            return bytes;
        }
        int at = pick.between(0, bytes.length - 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (pick.between(0, 2)) {
            case 0 -> {
                byte[] copy = bytes.clone();
                copy[at] = (byte) pick.between(0, 255);
                return copy;
            }
            case 1 -> {
                out.write(bytes, 0, at);
                int end = Math.min(bytes.length, at + pick.between(1, 20));
                out.write(bytes, end, bytes.length - end);
            }
            default -> {
                out.write(bytes, 0, at);
                out.writeBytes(pick.of(List.of("\r\n", "\n", ":", " ", "\u0000", "\r\n\r\n", "0\r\n"))
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(bytes, at, bytes.length - at);
            }
        }
        return out.toByteArray();
    }

    /** The bytes in one to four writes, cut anywhere. */
    private static List<byte[]> cut(byte[] bytes, Pick pick) {
        List<byte[]> writes = new ArrayList<>();
        int from = 0;
        for (int cuts = pick.between(0, 3); cuts > 0 && from < bytes.length; cuts--) {
            int to = pick.between(from, bytes.length);
            writes.add(java.util.Arrays.copyOfRange(bytes, from, to));
            from = to;
        }
        writes.add(java.util.Arrays.copyOfRange(bytes, from, bytes.length));
        return writes;
    }
}
