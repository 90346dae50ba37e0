package dev.rpcharness.consumer.fuzz;

import dev.rpcharness.consumer.fuzz.Wire.Profile;
import java.util.ArrayList;
import java.util.List;

/**
 * What a provider may write on a connection, as the bytes of its separate writes, for fuzz tests of the consumer's
 * decoding below the client (the transport's frame decoder): the cases of {@link Wire} (any profile), rendered with
 * request ids 1 to 4, or raw bytes cut anywhere. Stateless.
 */
public final class ResponseStreams {

    private static final Gen<WireCase> ANY_CASE = Gen.oneOf(Wire.cases(Profile.ENDS),
            Wire.cases(Profile.STAYS_OPEN), Wire.cases(Profile.WELL_FORMED));

    private ResponseStreams() {
    }

    /** The writes of one generated stream: mostly rendered cases, sometimes raw bytes. */
    public static Gen<List<byte[]>> writes() {
        Gen<List<byte[]>> rendered = ANY_CASE.map(c -> {
            String[] ids = new String[c.calls().size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = Integer.toString(i + 1);
            }
            return c.render(new WireCase.Ids(ids));
        });
        Gen<List<byte[]>> raw = Gen.chars('\u0000', '\u00ff', 1, 300).list(1, 3).map(pieces -> {
            List<byte[]> writes = new ArrayList<>();
            pieces.forEach(p -> writes.add(p.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
            return writes;
        });
        return Gen.frequency(Gen.weight(5, rendered), Gen.weight(1, raw));
    }
}
