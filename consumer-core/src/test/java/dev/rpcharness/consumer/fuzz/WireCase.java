package dev.rpcharness.consumer.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One generated case: the calls a client makes on one connection, and the bytes a provider answers them with
 * (responses of every shape, garbage between them), cut into separate writes, then how the connection ends.
 * Responses name their calls by {@link IdRef}, resolved against the request ids the calls really got only when
 * the peer renders the bytes. Immutable; {@code toString} is what a failed fuzz check reports as its case.
 */
record WireCase(List<FuzzMethod> calls, List<Piece> pieces, List<Integer> cutsPerMille, Ending ending) {

    /** How the provider leaves the connection after its last byte. */
    enum Ending { CLOSE, RESET, KEEP_OPEN }

    /** The request ids the calls got, by call index. */
    record Ids(String[] byCall) {
        long max() {
            return Arrays.stream(byCall).mapToLong(Long::parseLong).max().orElse(0);
        }
    }

    /** How a response names a call: its own id, another call's, or ids the consumer never sent. */
    record IdRef(Kind kind, int n) {
        enum Kind { OWN, OTHER, UNKNOWN, ZERO, NEGATIVE, HUGE, EIGHTEEN_NINES, LEADING_ZEROS, SPACED, NON_NUMERIC,
            EMPTY, PLUS, HEX }

        String resolve(Ids ids, int target) {
            String own = ids.byCall()[target];
            return switch (kind) {
                case OWN -> own;
                case OTHER -> ids.byCall()[(target + 1 + n) % ids.byCall().length];
                case UNKNOWN -> Long.toString(ids.max() + 1 + n);
                case ZERO -> "0";
                case NEGATIVE -> "-" + own;
                case HUGE -> "184467440737095516160" + n;
                case EIGHTEEN_NINES -> "999999999999999999";
                case LEADING_ZEROS -> "0".repeat(n % 20 + 1) + own;
                case SPACED -> " " + own + "\t";
                case NON_NUMERIC -> own + "x";
                case EMPTY -> "";
                case PLUS -> "+" + own;
                case HEX -> "0x" + own;
            };
        }
    }

    /** Something the provider writes. */
    sealed interface Piece permits Response, Garbage {
        byte[] render(Ids ids, int index);
    }

    /** Raw bytes that are not a response (or only the start of one). */
    record Garbage(String latin1) implements Piece {
        @Override
        public byte[] render(Ids ids, int index) {
            return latin1.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /** The placeholder a text result carries; replaced by the piece's own token when rendered. */
    static final String TOKEN = "$TOKEN$";
    private static final Pattern TOKEN_VALUE = Pattern.compile("tok-(\\d+)-\\1");

    static String token(int pieceIndex) {
        return "tok-" + pieceIndex + "-" + pieceIndex;
    }

    /** The piece index a result value names, or -1 when it is no token. */
    static int tokenIndex(Object value) {
        if (value instanceof String s && TOKEN_VALUE.matcher(s).matches()) {
            return Integer.parseInt(s.substring(4, s.indexOf('-', 4)));
        }
        return -1;
    }

    /** The JSON body: requestId, result, error and other fields, in a rotated order. */
    record Body(IdRef requestId, boolean idAsNumber, String result, String error, List<String> extras,
                int rotation) {
        String render(Ids ids, int target, int index) {
            List<String> fields = new ArrayList<>();
            if (requestId != null) {
                String id = requestId.resolve(ids, target);
                fields.add(Json.field("requestId", idAsNumber ? id : Json.quote(id)));
            }
            if (result != null) {
                fields.add(Json.field("result", result.replace(TOKEN, token(index))));
            }
            if (error != null) {
                fields.add(Json.field("error", error));
            }
            fields.addAll(extras);
            if (!fields.isEmpty()) {
                java.util.Collections.rotate(fields, rotation % fields.size());
            }
            return Json.object(fields);
        }
    }

    /** A byte-level change to a body, made before it is framed (so the framing still fits). */
    record Mutation(Kind kind, int atPerMille, int length, String latin1) {
        enum Kind { NONE, FLIP, DELETE, INSERT, TRUNCATE, TRAILING }

        static final Mutation NONE_AT_ALL = new Mutation(Kind.NONE, 0, 0, "");

        byte[] apply(byte[] body) {
            if (kind == Kind.NONE || body.length == 0) {
                return body;
            }
            int at = (int) ((long) body.length * atPerMille / 1000);
            byte[] extra = latin1.getBytes(StandardCharsets.ISO_8859_1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            switch (kind) {
                case FLIP -> {
                    byte[] copy = body.clone();
                    copy[Math.min(at, copy.length - 1)] ^= (byte) (length | 1);
                    return copy;
                }
                case DELETE -> {
                    out.write(body, 0, at);
                    int from = Math.min(body.length, at + length);
                    out.write(body, from, body.length - from);
                }
                case INSERT -> {
                    out.write(body, 0, at);
                    out.writeBytes(extra);
                    out.write(body, at, body.length - at);
                }
                case TRUNCATE -> out.write(body, 0, at);
                case TRAILING -> {
                    out.writeBytes(body);
                    out.writeBytes(extra);
                }
                default -> throw new IllegalStateException(kind.toString());
            }
            return out.toByteArray();
        }
    }

    /** How a body is delimited. */
    record Framing(Kind kind, int delta, List<Integer> chunks, boolean extensions, List<String> trailers) {
        enum Kind { LENGTH, CHUNKED, NONE, LENGTH_AND_CHUNKED, TWO_LENGTHS, CHUNKED_NO_END }

        /** Whether the framing delimits exactly the body that was written. */
        boolean exact() {
            return delta == 0 && (kind == Kind.LENGTH || kind == Kind.CHUNKED);
        }

        List<String> headers(int length) {
            return switch (kind) {
                case LENGTH -> List.of("Content-Length: " + (length + delta));
                case CHUNKED, CHUNKED_NO_END -> List.of("Transfer-Encoding: chunked");
                case NONE -> List.of();
                case LENGTH_AND_CHUNKED -> List.of("Content-Length: " + (length + delta),
                        "Transfer-Encoding: chunked");
                case TWO_LENGTHS -> List.of("Content-Length: " + length, "Content-Length: " + (length + delta));
            };
        }

        byte[] payload(byte[] body) {
            if (kind != Kind.CHUNKED && kind != Kind.CHUNKED_NO_END && kind != Kind.LENGTH_AND_CHUNKED) {
                return body;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = 0;
            int chunk = 0;
            while (at < body.length) {
                int size = chunk < chunks.size() ? Math.max(1, chunks.get(chunk)) : body.length - at;
                size = Math.min(size, body.length - at);
                int declared = chunk == 0 ? Math.max(0, size + delta) : size;
                String head = Integer.toHexString(declared) + (extensions ? ";ext=\"v\"" : "") + "\r\n";
                out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
                out.write(body, at, size);
                out.writeBytes(CRLF);
                at += size;
                chunk++;
            }
            if (kind != Kind.CHUNKED_NO_END) {
                out.writeBytes("0\r\n".getBytes(StandardCharsets.ISO_8859_1));
                for (String trailer : trailers) {
                    out.writeBytes((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
                out.writeBytes(CRLF);
            }
            return out.toByteArray();
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final Pattern CLEAN_STATUS = Pattern.compile("HTTP/1\\.[01] [2-5]\\d\\d( [A-Za-z ]*)?");

    /** One HTTP response for the call at {@code target}. */
    record Response(int target, String statusLine, List<IdRef> headerIds, Body body, Mutation mutation,
                    Framing framing, List<String> extraHeaders, boolean contentType) implements Piece {

        @Override
        public byte[] render(Ids ids, int index) {
            byte[] json = mutation.apply(body.render(ids, target, index).getBytes(StandardCharsets.UTF_8));
            StringBuilder head = new StringBuilder(statusLine).append("\r\n");
            if (contentType) {
                head.append("Content-Type: application/json\r\n");
            }
            for (IdRef id : headerIds) {
                head.append("X-Rpc-Request-Id: ").append(id.resolve(ids, target)).append("\r\n");
            }
            for (String header : framing.headers(json.length)) {
                head.append(header).append("\r\n");
            }
            for (String header : extraHeaders) {
                head.append(header).append("\r\n");
            }
            head.append("\r\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(framing.payload(json));
            return out.toByteArray();
        }

        /** Framed exactly, with a status that carries a body, and no header that changes the framing. */
        boolean clean() {
            int code = CLEAN_STATUS.matcher(statusLine).matches() ? Integer.parseInt(statusLine.substring(9, 12)) : 0;
            boolean chunkedOnHttp10 = statusLine.startsWith("HTTP/1.0") && framing.kind() == Framing.Kind.CHUNKED;
            return code != 0 && code != 204 && code != 205 && code != 304 && framing.exact() && !chunkedOnHttp10
                    && extraHeaders.stream().allMatch(Wire::neutralHeader);
        }

        /**
         * The id the consumer correlates this response by, as a number: the first header, else the body's
         * {@code requestId} (only for unmutated bodies); -1 when it names no id the consumer could have sent.
         */
        long effectiveId(Ids ids) {
            String text;
            if (!headerIds.isEmpty()) {
                text = headerIds.get(0).resolve(ids, target).strip();
            } else if (body.requestId() != null && mutation.kind() == Mutation.Kind.NONE) {
                text = body.requestId().resolve(ids, target);
            } else {
                return -1;
            }
            if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
                return -1;
            }
            return Long.parseLong(text);
        }
    }

    /** All pieces, rendered and cut into the separate writes the peer makes. */
    List<byte[]> render(Ids ids) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < pieces.size(); i++) {
            all.writeBytes(pieces.get(i).render(ids, i));
        }
        byte[] bytes = all.toByteArray();
        List<byte[]> writes = new ArrayList<>();
        int from = 0;
        for (int cut : cutsPerMille.stream().sorted().toList()) {
            int to = (int) ((long) bytes.length * cut / 1000);
            if (to > from) {
                writes.add(Arrays.copyOfRange(bytes, from, to));
                from = to;
            }
        }
        writes.add(Arrays.copyOfRange(bytes, from, bytes.length));
        return writes;
    }

    /** Whether every piece is a cleanly framed response, so each body reaches the consumer as written. */
    boolean cleanlyFramed() {
        return pieces.stream().allMatch(p -> p instanceof Response r && r.clean());
    }
}
