package dev.rpcharness.consumer.fuzz;

import static dev.rpcharness.consumer.fuzz.Gen.weight;

import dev.rpcharness.consumer.fuzz.WireCase.Body;
import dev.rpcharness.consumer.fuzz.WireCase.Ending;
import dev.rpcharness.consumer.fuzz.WireCase.Framing;
import dev.rpcharness.consumer.fuzz.WireCase.Garbage;
import dev.rpcharness.consumer.fuzz.WireCase.IdRef;
import dev.rpcharness.consumer.fuzz.WireCase.Mutation;
import dev.rpcharness.consumer.fuzz.WireCase.Piece;
import dev.rpcharness.consumer.fuzz.WireCase.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Generators of {@link WireCase}s, one family per {@link Profile}, drawn from a {@link Draw}: the same seed or
 * fuzzer input gives the same case. Stateless.
 */
final class Wire {

    /** What the generated provider may do. */
    enum Profile {
        /** Anything at all, then the connection closes or resets: every call must end at once. */
        ENDS,
        /**
         * Anything after which a consumer can tell, from the bytes that follow or from a response that stays
         * incomplete for a whole call timeout, that the connection is broken; the connection stays open: calls
         * end (by timeout at worst) and the client must get back to work.
         */
        STAYS_OPEN,
        /** Exactly framed responses with correct ids and valid JSON of any shape: the connection must stay. */
        WELL_FORMED
    }

    /** The maximum response size the fuzzed clients are configured with. */
    static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private Wire() {
    }

    /** Cases of {@code profile}: one to four calls, then their answers. */
    static Gen<WireCase> cases(Profile profile) {
        return Gen.of(FuzzMethod.class).list(1, 4).flatMap(calls -> caseFor(profile, calls));
    }

    private static Gen<WireCase> caseFor(Profile profile, List<FuzzMethod> calls) {
        int k = calls.size();
        return draw -> {
            List<Piece> all = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                Response answer = response(profile, i, calls.get(i)).next(draw);
                if (profile == Profile.WELL_FORMED || draw.between(0, 9) > 0) {
                    all.add(answer); // otherwise (1 in 10) the call gets no answer
                }
            }
            if (profile != Profile.WELL_FORMED) {
                all.addAll(extra(profile, calls).list(0, 2).next(draw));
            }
            List<Integer> keys = Gen.ints(0, 9).list(k + 2, k + 2).next(draw);
            List<Integer> cuts = Gen.ints(1, 999).list(0, 3).next(draw);
            Ending ending = profile == Profile.ENDS ? Gen.of(Ending.CLOSE, Ending.RESET).next(draw)
                    : Ending.KEEP_OPEN;
            List<Piece> ordered = IntStream.range(0, all.size()).boxed()
                    .sorted(Comparator.comparing(i -> keys.get(i % keys.size())))
                    .map(all::get).toList();
            return new WireCase(calls, ordered, cuts, ending);
        };
    }

    private static Gen<Piece> extra(Profile profile, List<FuzzMethod> calls) {
        Gen<Piece> response = Gen.ints(0, calls.size() - 1)
                .flatMap(target -> response(profile, target, calls.get(target)));
        return Gen.frequency(weight(2, response), weight(1, garbage()));
    }

    static Gen<Piece> garbage() {
        List<String> fixed = new ArrayList<>(List.of("\r\n", "\r\n\r\n", " \t", "HTTP/1.1 20",
                "\u0000\u0001\u0002", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"));
        // A head cut after a line end, which a following blank line completes without any length: on an open
        // connection a stalled response (OpenConnectionRecoveryTest).
        fixed.addAll(List.of("HTTP/1.1 200 OK\r\n", "HTTP/1.1 200 OK\r\nX-Rpc-Request-Id: 1\r\n"));
        return Gen.<String>oneOf(
                Gen.chars('\u0000', '\u007f', 1, 20),
                Gen.chars('\u0000', '\u00ff', 1, 20),
                Gen.of(fixed))
                .map(Garbage::new);
    }

    static Gen<Response> response(Profile profile, int target, FuzzMethod method) {
        boolean wellFormed = profile == Profile.WELL_FORMED;
        return draw -> {
            String status = status(profile).next(draw);
            List<IdRef> headerIds = headerIds(profile).next(draw);
            Body body = body(profile, method).next(draw);
            Mutation mutation = wellFormed ? Mutation.NONE_AT_ALL : mutation().next(draw);
            Framing framing = framing(profile).next(draw);
            List<String> extras = extraHeaders(profile).next(draw);
            boolean contentType = Gen.bools().next(draw);
            if (wellFormed && headerIds.isEmpty() && (body.requestId() == null || !status.startsWith("HTTP/1.1 2")
                    && !status.startsWith("HTTP/1.0 2"))) {
                // Well-formed: an id names the call; the body's id counts only for a success status.
                headerIds = List.of(new IdRef(IdRef.Kind.OWN, 0));
            }
            if (wellFormed && status.startsWith("HTTP/1.0")) {
                // HTTP/1.0 has no chunked encoding (Netty rightly refuses it): well-formed means a length.
                framing = new Framing(Framing.Kind.LENGTH, 0, List.of(), false, List.of());
            }
            return new Response(target, status, headerIds, body, mutation, framing, extras, contentType);
        };
    }

    static Gen<String> status(Profile profile) {
        Gen<String> ok = Gen.of("HTTP/1.1 200 OK", "HTTP/1.1 201 Created", "HTTP/1.0 200 OK",
                "HTTP/1.1 203 Non Authoritative", "HTTP/1.1 299 Whatever");
        Gen<String> failed = Gen.of("HTTP/1.1 500 Internal Server Error", "HTTP/1.1 404 Not Found",
                "HTTP/1.1 503 Service Unavailable", "HTTP/1.1 400 Bad Request", "HTTP/1.1 302 Found",
                "HTTP/1.1 413 Payload Too Large", "HTTP/1.1 599 Odd");
        if (profile == Profile.WELL_FORMED) {
            return Gen.frequency(weight(12, Gen.just("HTTP/1.1 200 OK")), weight(2, ok), weight(2, failed));
        }
        List<String> odd = new ArrayList<>(List.of("HTTP/1.1 100 Continue", "HTTP/1.1 204 No Content",
                "HTTP/1.1 304 Not Modified", "HTTP/1.1 999 Odd", "HTTP/1.1 000 Zero", "HTTP/2 200 OK",
                "http/1.1 200 ok", "HTTP/1.1  200  OK", "HTTP/1.1 200", "HTTP/1.1 2000 OK", "HTTP/1.1 -200 OK",
                "ICY 200 OK", "HTTP/1.1 20O OK", " HTTP/1.1 200 OK", "HTTP/1.1 200 \u00ff\u0000",
                "HTTP/1.1 102 Processing", "HTTP/1.1 101 Switching Protocols",
                "HTTP/1.1 200 OK\r\n")); // the last ends the head at once: no length, a stall on an open connection
        return Gen.frequency(weight(10, Gen.just("HTTP/1.1 200 OK")), weight(2, ok), weight(2, failed),
                weight(3, Gen.of(odd)), weight(1, Gen.chars('\u0000', '\u007f', 0, 20)));
    }

    static Gen<IdRef> idRef() {
        return Gen.frequency(
                weight(12, Gen.just(new IdRef(IdRef.Kind.OWN, 0))),
                weight(4, draw -> new IdRef(Gen.of(IdRef.Kind.class).next(draw), draw.between(0, 30))));
    }

    static Gen<List<IdRef>> headerIds(Profile profile) {
        if (profile == Profile.WELL_FORMED) {
            return Gen.frequency(weight(5, Gen.just(List.of(new IdRef(IdRef.Kind.OWN, 0)))),
                    weight(1, Gen.just(List.of())));
        }
        return Gen.frequency(weight(10, idRef().list(1, 1)), weight(2, Gen.just(List.of())),
                weight(2, idRef().list(2, 2)));
    }

    static Gen<Body> body(Profile profile, FuzzMethod method) {
        boolean wellFormed = profile == Profile.WELL_FORMED;
        Gen<IdRef> bodyId = wellFormed
                ? Gen.frequency(weight(3, Gen.just(new IdRef(IdRef.Kind.OWN, 0))), weight(1, Gen.just(null)))
                : Gen.frequency(weight(3, idRef()), weight(1, Gen.just(null)));
        Gen<String> result = Gen.frequency(
                weight(8, Json.typed(method, WireCase.TOKEN)),
                weight(3, Json.value()),
                weight(2, Json.gadget()),
                weight(1, Json.deep(Json.MAX_DEPTH - 20, Json.MAX_DEPTH - 1)),
                weight(1, Json.bigInteger(Json.MAX_NUMBER_LENGTH)),
                weight(wellFormed ? 0 : 1, Json.pastLimits()),
                weight(1, Gen.just(null)));
        Gen<String> validError = draw -> {
            String type = Gen.of("java.lang.IllegalStateException", "x", Json.GADGET, "java.lang.Error").next(draw);
            String message = Gen.frequency(weight(3, Json.string()), weight(1, Gen.just("null"))).next(draw);
            return Json.object(List.of(Json.field("type", Json.quote(type)), Json.field("message", message)));
        };
        Gen<String> error = wellFormed
                ? Gen.frequency(weight(8, Gen.just(null)), weight(2, validError), weight(1, Gen.just("null")))
                : Gen.frequency(weight(8, Gen.just(null)), weight(2, validError),
                weight(1, Gen.of("null", "\"boom\"", "{}", "{\"type\":\"\"}", "{\"type\":5}", "[]")),
                weight(1, Json.value()));
        Gen<String> extra = draw -> Json.field(Json.name().next(draw), Json.value().next(draw));
        return draw -> {
            IdRef id = bodyId.next(draw);
            boolean asNumber = draw.between(0, 4) == 0;
            String r = result.next(draw);
            String e = error.next(draw);
            List<String> x = extra.list(0, 2).next(draw);
            int rotation = draw.between(0, 4);
            return new Body(id, asNumber && id != null && id.kind() == IdRef.Kind.OWN, r,
                    wellFormed && r != null ? null : e, wellFormed ? List.of() : x, rotation);
        };
    }

    static Gen<Mutation> mutation() {
        Gen<String> inserted = Gen.oneOf(Gen.chars('\u0000', '\u00ff', 1, 8), Gen.of("}", "{", "]", "\"",
                "{\"requestId\":\"1\"}", ",", "\u00c3", "\u00ff\u00fe"));
        Gen<Mutation> some = draw -> new Mutation(Gen.of(Mutation.Kind.class).next(draw), draw.between(0, 999),
                draw.between(1, 40), inserted.next(draw));
        return Gen.frequency(weight(6, Gen.just(Mutation.NONE_AT_ALL)), weight(3, some));
    }

    static Gen<Framing> framing(Profile profile) {
        Gen<List<Integer>> chunks = Gen.ints(1, 40).list(0, 4);
        Gen<List<String>> trailers = Gen.of("X-Trailer: t", "X-Rpc-Request-Id: 1", "Bad Trailer").list(0, 1);
        Gen<Framing> exact = Gen.frequency(
                weight(3, Gen.just(new Framing(Framing.Kind.LENGTH, 0, List.of(), false, List.of()))),
                weight(1, draw -> new Framing(Framing.Kind.CHUNKED, 0, chunks.next(draw), Gen.bools().next(draw),
                        profile == Profile.WELL_FORMED ? List.of() : trailers.next(draw))));
        if (profile == Profile.WELL_FORMED) {
            return exact;
        }
        List<Framing.Kind> kinds = new ArrayList<>(List.of(Framing.Kind.LENGTH, Framing.Kind.CHUNKED,
                Framing.Kind.LENGTH_AND_CHUNKED, Framing.Kind.TWO_LENGTHS, Framing.Kind.CHUNKED_NO_END));
        kinds.add(Framing.Kind.NONE); // on an open connection a stalled response, ended at a call's timeout
        // On an open connection a body longer than announced is completed by the next bytes the provider sends,
        // or stalls the connection until a call's timeout finds it stalled.
        int maxLonger = 5000;
        Gen<Integer> delta = Gen.frequency(
                weight(4, Gen.ints(-40, maxLonger)),
                weight(1, Gen.of(MAX_RESPONSE_BYTES + 1, Integer.MAX_VALUE / 2, -100_000)));
        Gen<Framing> broken = draw -> {
            Framing.Kind kind = Gen.of(kinds).next(draw);
            int d = delta.next(draw);
            // The aggregator refuses a Content-Length over the limit at once, but a chunk size only once that
            // much has arrived: on an open connection that is a stall too.
            boolean chunked = kind != Framing.Kind.LENGTH && kind != Framing.Kind.TWO_LENGTHS;
            return new Framing(kind, chunked ? Math.min(d, maxLonger) : d, chunks.next(draw),
                    Gen.bools().next(draw), trailers.next(draw));
        };
        return Gen.frequency(weight(5, exact), weight(2, broken));
    }

    /** Headers that do not change how a response is framed or correlated. */
    static boolean neutralHeader(String header) {
        return NEUTRAL.contains(header);
    }

    private static final List<String> NEUTRAL = List.of("Connection: keep-alive", "Connection: close",
            "Content-Type: text/plain", "X-Other: v", "Content-Encoding: gzip", "X-Empty:", "Server: fuzz");

    static Gen<List<String>> extraHeaders(Profile profile) {
        List<String> odd = new ArrayList<>(List.of("Content-Length: 5", "Transfer-Encoding: chunked",
                "Transfer-Encoding: identity", "Transfer-Encoding: gzip, chunked", "Bad Header Name: x", ": novalue",
                "NoColon", "X-Long: " + "a".repeat(9000), "X-Rpc-Request-Id: abc", "Upgrade: websocket",
                "Content-Length: -1", "Content-Length: 1e3"));
        // Folded onto "Transfer-Encoding: chunked" it makes "chunked folded continuation", which is not chunked:
        // a body without length, on an open connection a stalled response.
        odd.add(" folded continuation");
        Gen<String> header = profile == Profile.WELL_FORMED ? Gen.of(NEUTRAL)
                : Gen.oneOf(Gen.of(NEUTRAL), Gen.of(odd));
        return header.list(0, 2);
    }
}
