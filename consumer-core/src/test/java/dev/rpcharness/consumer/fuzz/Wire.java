package dev.rpcharness.consumer.fuzz;

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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of {@link WireCase}s, one family per {@link Profile}. Every generator is built from jqwik's own
 * combinators, so a falsified case shrinks toward fewer calls, fewer pieces, plain status lines, exact framing,
 * unmutated bodies and small JSON.
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

    /**
     * Cases of {@code profile}. The generation size is fixed, so a long run ({@code -Drpc.fuzz.tries}) draws
     * from the same distribution as a short one, as fast (jqwik otherwise grows it with the tries).
     */
    static Arbitrary<WireCase> cases(Profile profile) {
        return Arbitraries.of(FuzzMethod.class).list().ofMinSize(1).ofMaxSize(4)
                .flatMap(calls -> caseFor(profile, calls))
                .fixGenSize(GEN_SIZE);
    }

    static final int GEN_SIZE = 1000;

    private static Arbitrary<WireCase> caseFor(Profile profile, List<FuzzMethod> calls) {
        int k = calls.size();
        List<Arbitrary<Piece>> answers = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Arbitrary<Piece> answer = response(profile, i, calls.get(i)).map(r -> r);
            answers.add(profile == Profile.WELL_FORMED ? answer
                    : Arbitraries.frequencyOf(Tuple.of(9, answer), Tuple.of(1, Arbitraries.just(null))));
        }
        Arbitrary<List<Piece>> extras = profile == Profile.WELL_FORMED ? Arbitraries.just(List.of())
                : extra(profile, calls).list().ofMaxSize(2);
        Arbitrary<List<Integer>> order = Arbitraries.integers().between(0, 9).list().ofSize(k + 2);
        Arbitrary<List<Integer>> cuts = Arbitraries.integers().between(1, 999).list().ofMaxSize(3);
        Arbitrary<Ending> ending = profile == Profile.ENDS ? Arbitraries.of(Ending.CLOSE, Ending.RESET)
                : Arbitraries.just(Ending.KEEP_OPEN);
        return Combinators.combine(Combinators.combine(answers).as(l -> l), extras, order, cuts, ending)
                .as((answered, more, keys, cut, end) -> {
                    List<Piece> all = new ArrayList<>();
                    answered.stream().filter(p -> p != null).forEach(all::add);
                    all.addAll(more);
                    List<Piece> ordered = IntStream.range(0, all.size()).boxed()
                            .sorted(Comparator.comparing(i -> keys.get(i % keys.size())))
                            .map(all::get).toList();
                    return new WireCase(calls, ordered, cut, end);
                });
    }

    private static Arbitrary<Piece> extra(Profile profile, List<FuzzMethod> calls) {
        Arbitrary<Piece> response = Arbitraries.integers().between(0, calls.size() - 1)
                .flatMap(target -> response(profile, target, calls.get(target)).map(r -> (Piece) r));
        return Arbitraries.frequencyOf(Tuple.of(2, response), Tuple.of(1, garbage()));
    }

    static Arbitrary<Piece> garbage() {
        List<String> fixed = new ArrayList<>(List.of("\r\n", "\r\n\r\n", " \t", "HTTP/1.1 20",
                "\u0000\u0001\u0002", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"));
        // A head cut after a line end, which a following blank line completes without any length: on an open
        // connection a stalled response (OpenConnectionRecoveryTest).
        fixed.addAll(List.of("HTTP/1.1 200 OK\r\n", "HTTP/1.1 200 OK\r\nX-Rpc-Request-Id: 1\r\n"));
        return Arbitraries.oneOf(
                Arbitraries.strings().ascii().ofMinLength(1).ofMaxLength(20),
                Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMinLength(1).ofMaxLength(20),
                Arbitraries.of(fixed))
                .map(Garbage::new);
    }

    static Arbitrary<Response> response(Profile profile, int target, FuzzMethod method) {
        boolean wellFormed = profile == Profile.WELL_FORMED;
        return Combinators.combine(status(profile), headerIds(profile), body(profile, method),
                        wellFormed ? Arbitraries.just(Mutation.NONE_AT_ALL) : mutation(), framing(profile),
                        extraHeaders(profile), Arbitraries.of(true, false))
                .as((status, ids, body, mutation, framing, extras, contentType) -> {
                    List<IdRef> headerIds = ids;
                    if (wellFormed && ids.isEmpty() && (body.requestId() == null || !status.startsWith("HTTP/1.1 2")
                            && !status.startsWith("HTTP/1.0 2"))) {
                        // Well-formed: an id names the call; the body's id counts only for a success status.
                        headerIds = List.of(new IdRef(IdRef.Kind.OWN, 0));
                    }
                    Framing framed = framing;
                    if (wellFormed && status.startsWith("HTTP/1.0")) {
                        // HTTP/1.0 has no chunked encoding (Netty rightly refuses it): well-formed means a length.
                        framed = new Framing(Framing.Kind.LENGTH, 0, List.of(), false, List.of());
                    }
                    return new Response(target, status, headerIds, body, mutation, framed, extras, contentType);
                });
    }

    static Arbitrary<String> status(Profile profile) {
        Arbitrary<String> ok = Arbitraries.of("HTTP/1.1 200 OK", "HTTP/1.1 201 Created", "HTTP/1.0 200 OK",
                "HTTP/1.1 203 Non Authoritative", "HTTP/1.1 299 Whatever");
        Arbitrary<String> failed = Arbitraries.of("HTTP/1.1 500 Internal Server Error", "HTTP/1.1 404 Not Found",
                "HTTP/1.1 503 Service Unavailable", "HTTP/1.1 400 Bad Request", "HTTP/1.1 302 Found",
                "HTTP/1.1 413 Payload Too Large", "HTTP/1.1 599 Odd");
        if (profile == Profile.WELL_FORMED) {
            return Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just("HTTP/1.1 200 OK")), Tuple.of(2, ok),
                    Tuple.of(2, failed));
        }
        List<String> odd = new ArrayList<>(List.of("HTTP/1.1 100 Continue", "HTTP/1.1 204 No Content",
                "HTTP/1.1 304 Not Modified", "HTTP/1.1 999 Odd", "HTTP/1.1 000 Zero", "HTTP/2 200 OK",
                "http/1.1 200 ok", "HTTP/1.1  200  OK", "HTTP/1.1 200", "HTTP/1.1 2000 OK", "HTTP/1.1 -200 OK",
                "ICY 200 OK", "HTTP/1.1 20O OK", " HTTP/1.1 200 OK", "HTTP/1.1 200 \u00ff\u0000",
                "HTTP/1.1 102 Processing", "HTTP/1.1 101 Switching Protocols",
                "HTTP/1.1 200 OK\r\n")); // the last ends the head at once: no length, a stall on an open connection
        return Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.just("HTTP/1.1 200 OK")), Tuple.of(2, ok),
                Tuple.of(2, failed), Tuple.of(3, Arbitraries.of(odd)),
                Tuple.of(1, Arbitraries.strings().ascii().ofMaxLength(20)));
    }

    static Arbitrary<IdRef> idRef() {
        return Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just(new IdRef(IdRef.Kind.OWN, 0))),
                Tuple.of(4, Combinators.combine(Arbitraries.of(IdRef.Kind.class), Arbitraries.integers().between(0, 30))
                        .as(IdRef::new)));
    }

    static Arbitrary<List<IdRef>> headerIds(Profile profile) {
        if (profile == Profile.WELL_FORMED) {
            return Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just(List.of(new IdRef(IdRef.Kind.OWN, 0)))),
                    Tuple.of(1, Arbitraries.just(List.of())));
        }
        return Arbitraries.frequencyOf(Tuple.of(10, idRef().list().ofSize(1)),
                Tuple.of(2, Arbitraries.just(List.of())), Tuple.of(2, idRef().list().ofSize(2)));
    }

    static Arbitrary<Body> body(Profile profile, FuzzMethod method) {
        boolean wellFormed = profile == Profile.WELL_FORMED;
        Arbitrary<IdRef> bodyId = wellFormed
                ? Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(new IdRef(IdRef.Kind.OWN, 0))),
                Tuple.of(1, Arbitraries.just(null)))
                : Arbitraries.frequencyOf(Tuple.of(3, idRef()), Tuple.of(1, Arbitraries.just(null)));
        Arbitrary<String> result = Arbitraries.frequencyOf(
                Tuple.of(8, Json.typed(method, WireCase.TOKEN)),
                Tuple.of(3, Json.value()),
                Tuple.of(2, Json.gadget()),
                Tuple.of(1, Json.deep(Json.MAX_DEPTH - 20, Json.MAX_DEPTH - 1)),
                Tuple.of(1, Json.bigInteger(Json.MAX_NUMBER_LENGTH)),
                Tuple.of(wellFormed ? 0 : 1, Json.pastLimits()),
                Tuple.of(1, Arbitraries.just(null)));
        Arbitrary<String> validError = Combinators.combine(
                        Arbitraries.of("java.lang.IllegalStateException", "x", Json.GADGET, "java.lang.Error"),
                        Arbitraries.frequencyOf(Tuple.of(3, Json.string()), Tuple.of(1, Arbitraries.just("null"))))
                .as((type, message) -> Json.object(List.of(Json.field("type", Json.quote(type)),
                        Json.field("message", message))));
        Arbitrary<String> error = wellFormed
                ? Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(null)), Tuple.of(2, validError),
                Tuple.of(1, Arbitraries.just("null")))
                : Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(null)), Tuple.of(2, validError),
                Tuple.of(1, Arbitraries.of("null", "\"boom\"", "{}", "{\"type\":\"\"}", "{\"type\":5}", "[]")),
                Tuple.of(1, Json.value()));
        Arbitrary<List<String>> extras = Combinators.combine(Json.name(), Json.value()).as(Json::field)
                .list().ofMaxSize(2);
        return Combinators.combine(bodyId, Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(false)),
                        Tuple.of(1, Arbitraries.just(true))), result, error, extras,
                        Arbitraries.integers().between(0, 4))
                .as((id, asNumber, r, e, x, rotation) ->
                        new Body(id, asNumber && id != null && id.kind() == IdRef.Kind.OWN, r,
                                wellFormed && r != null ? null : e, wellFormed ? List.of() : x, rotation));
    }

    static Arbitrary<Mutation> mutation() {
        Arbitrary<Mutation> some = Combinators.combine(Arbitraries.of(Mutation.Kind.class),
                        Arbitraries.integers().between(0, 999), Arbitraries.integers().between(1, 40),
                        Arbitraries.oneOf(Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMinLength(1)
                                .ofMaxLength(8), Arbitraries.of("}", "{", "]", "\"", "{\"requestId\":\"1\"}", ",",
                                "\u00c3", "\u00ff\u00fe")))
                .as(Mutation::new);
        return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(Mutation.NONE_AT_ALL)), Tuple.of(3, some));
    }

    static Arbitrary<Framing> framing(Profile profile) {
        Arbitrary<List<Integer>> chunks = Arbitraries.integers().between(1, 40).list().ofMaxSize(4);
        Arbitrary<List<String>> trailers = Arbitraries.of("X-Trailer: t", "X-Rpc-Request-Id: 1", "Bad Trailer")
                .list().ofMaxSize(1);
        Arbitrary<Framing> exact = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(new Framing(Framing.Kind.LENGTH, 0, List.of(), false, List.of()))),
                Tuple.of(1, Combinators.combine(chunks, Arbitraries.of(true, false), trailers)
                        .as((c, ext, t) -> new Framing(Framing.Kind.CHUNKED, 0, c, ext,
                                profile == Profile.WELL_FORMED ? List.of() : t))));
        if (profile == Profile.WELL_FORMED) {
            return exact;
        }
        List<Framing.Kind> kinds = new ArrayList<>(List.of(Framing.Kind.LENGTH, Framing.Kind.CHUNKED,
                Framing.Kind.LENGTH_AND_CHUNKED, Framing.Kind.TWO_LENGTHS, Framing.Kind.CHUNKED_NO_END));
        kinds.add(Framing.Kind.NONE); // on an open connection a stalled response, ended at a call's timeout
        // On an open connection a body longer than announced is completed by the next bytes the provider sends,
        // or stalls the connection until a call's timeout finds it stalled.
        int maxLonger = 5000;
        Arbitrary<Integer> delta = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(-40, maxLonger)),
                Tuple.of(1, Arbitraries.of(MAX_RESPONSE_BYTES + 1, Integer.MAX_VALUE / 2, -100_000)));
        Arbitrary<Framing> broken = Combinators.combine(Arbitraries.of(kinds), delta, chunks,
                        Arbitraries.of(true, false), trailers)
                .as((kind, d, c, ext, t) -> {
                    // The aggregator refuses a Content-Length over the limit at once, but a chunk size only
                    // once that much has arrived: on an open connection that is a stall too.
                    boolean chunked = kind != Framing.Kind.LENGTH && kind != Framing.Kind.TWO_LENGTHS;
                    return new Framing(kind, chunked ? Math.min(d, maxLonger) : d, c, ext, t);
                });
        return Arbitraries.frequencyOf(Tuple.of(5, exact), Tuple.of(2, broken));
    }

    /** Headers that do not change how a response is framed or correlated. */
    static boolean neutralHeader(String header) {
        return NEUTRAL.contains(header);
    }

    private static final List<String> NEUTRAL = List.of("Connection: keep-alive", "Connection: close",
            "Content-Type: text/plain", "X-Other: v", "Content-Encoding: gzip", "X-Empty:", "Server: fuzz");

    static Arbitrary<List<String>> extraHeaders(Profile profile) {
        List<String> odd = new ArrayList<>(List.of("Content-Length: 5", "Transfer-Encoding: chunked",
                "Transfer-Encoding: identity", "Transfer-Encoding: gzip, chunked", "Bad Header Name: x", ": novalue",
                "NoColon", "X-Long: " + "a".repeat(9000), "X-Rpc-Request-Id: abc", "Upgrade: websocket",
                "Content-Length: -1", "Content-Length: 1e3"));
        // Folded onto "Transfer-Encoding: chunked" it makes "chunked folded continuation", which is not chunked:
        // a body without length, on an open connection a stalled response.
        odd.add(" folded continuation");
        Arbitrary<String> header = profile == Profile.WELL_FORMED ? Arbitraries.of(NEUTRAL)
                : Arbitraries.oneOf(Arbitraries.of(NEUTRAL), Arbitraries.of(odd));
        return header.list().ofMaxSize(2);
    }
}
