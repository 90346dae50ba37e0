package dev.rpcharness.consumer.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.testing.NettyLeakCheck;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs a fuzz property over seeded tries, one JUnit dynamic test per try, each with its own
 * {@link Draw#seeded seeded} generator, so {@code mvn verify} runs a fresh sample every time and any failing try
 * replays alone. Sized from system properties, so a long run needs no code change:
 * <ul>
 *   <li>{@code -Drpc.fuzz.tries=N}: N tries per property instead of its default;</li>
 *   <li>{@code -Drpc.fuzz.seconds=S}: no try starts after S seconds (per property);</li>
 *   <li>{@code -Drpc.fuzz.seed=X}: the first try's seed (the next ones count up from it); random by default.
 *       A failure names its try's seed: {@code -Drpc.fuzz.seed=X -Drpc.fuzz.tries=1} replays it.</li>
 * </ul>
 * The first seed is printed to standard output with the property's name. After the tries a last dynamic test
 * checks that Netty's leak detector (PARANOID in tests) reported no leaked buffer. JUnit runs the tries one after
 * the other on its own thread, pulling each from the stream only when the one before has ended.
 */
public final class FuzzSweep {

    /** A property of one generated value; throws (an assertion error) when the value falsifies it. */
    @FunctionalInterface
    public interface Property<T> {
        void check(T value) throws Exception;
    }

    private FuzzSweep() {
    }

    /** The dynamic tests of {@code name}: {@code defaultTries} tries unless {@code rpc.fuzz.tries} says more. */
    public static <T> Stream<DynamicTest> tries(String name, int defaultTries, Gen<T> gen, Property<T> property) {
        int tries = Integer.getInteger("rpc.fuzz.tries", defaultTries);
        long seconds = Long.getLong("rpc.fuzz.seconds", 0);
        long first = Long.getLong("rpc.fuzz.seed", ThreadLocalRandom.current().nextLong());
        System.out.printf("%s: %d tries from seed %d%s%n", name, tries, first,
                seconds > 0 ? ", none started after " + seconds + " s" : "");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds > 0 ? seconds : 1L << 30);
        Stream<DynamicTest> each = LongStream.range(0, tries)
                .takeWhile(i -> System.nanoTime() - deadline < 0)
                .mapToObj(i -> first + i)
                .map(seed -> DynamicTest.dynamicTest("seed " + seed, () -> check(gen.next(Draw.seeded(seed)),
                        property, "seed " + seed + " (replay: -Drpc.fuzz.seed=" + seed + " -Drpc.fuzz.tries=1)")));
        return Stream.concat(each, Stream.of(DynamicTest.dynamicTest("no Netty buffer leaked", () -> {
            List<String> leaks = NettyLeakCheck.collectLeaks();
            assertThat(leaks).as("Netty buffers leaked by the tries of " + name).isEmpty();
        })));
    }

    /** Checks one value; a failure names the value and {@code where} it came from (a seed, a fuzzer input). */
    public static <T> void check(T value, Property<T> property, String where) throws Exception {
        try {
            property.check(value);
        } catch (AssertionError | Exception e) {
            String text = String.valueOf(value);
            throw new AssertionError("falsified by " + where + ": " + e.getMessage() + "\n  case: "
                    + (text.length() > 4000 ? text.substring(0, 4000) + "..." : text), e);
        }
    }
}
