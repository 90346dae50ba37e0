package dev.rpcharness.loadtest.spread;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a load target does as one injector of its run: {@link #solo()} for a run of one JVM, {@link RunHost} for the
 * JVM that holds the fleet of a spread run, {@link RunGuest} for the others.
 *
 * <p>Lifecycle, driven by the target: made when it starts; {@link #awaitStart()} before the load; at the end
 * {@link #awaitOthers()} before the run's files are written, {@link #leave} once the target's fleet is closed, then
 * {@link #close()}. Threading: {@link #sendsArrival} from any thread (the users' event loops); {@link #chaosStep} and
 * {@link #check} from the target's chaos thread; the rest from the thread that starts and closes the target.
 */
public interface InjectorRole extends AutoCloseable {

    /** The role of the only injector of a run: every arrival, every step and check here. */
    static InjectorRole solo() {
        return SoloRole.INSTANCE;
    }

    /**
     * Whether this injector makes the call of arrival {@code arrival} (0-based, counted by each RPC action of the
     * scenario): with N injectors, injector i sends exactly the arrivals with {@code arrival mod N == i}, so their
     * union is the scenario's calls, none twice.
     */
    boolean sendsArrival(long arrival);

    /**
     * Chaos step {@code name} is reached: {@code onFleet} runs here when this injector holds the fleet (once a
     * conductor claimed the step, in a spread run); a guest claims it or waits until the host ran it.
     *
     * @throws IllegalStateException when the step failed on the host
     */
    void chaosStep(String name, Runnable onFleet) throws InterruptedException;

    /**
     * Check {@code name} of the scenario ({@code verify}) is reached: evaluated here where the fleet is (and, in a
     * spread run, its verdict published), or, on a guest, the host's verdict awaited.
     *
     * @return why the check failed, or null when it held
     */
    String check(String name, Supplier<String> evaluate) throws InterruptedException;

    /**
     * Waits until every injector of the run is ready to load (the start barrier); in a spread run, then publishes
     * this injector's live figures every 5 s, and the live injector with the lowest index logs the run's combined
     * line (calls/s, errors, p99).
     */
    void awaitStart(Supplier<LiveFigures> live) throws InterruptedException;

    /**
     * What an injector has done so far, for the run's live view.
     *
     * @param calls calls ended
     * @param errors calls failed
     * @param p99Micros p99 of the calls that ended in the last second, µs
     */
    record LiveFigures(long calls, long errors, long p99Micros) {
    }

    /** The load ended here: the host waits until every other injector finished and exited. */
    void awaitOthers() throws InterruptedException;

    /**
     * This injector's fleet (or client) is closed and its files are in {@code runDir}: a guest records its clock
     * offset there and passes the end barrier; the host gathers the guests' run folders into it.
     */
    void leave(Path runDir) throws InterruptedException;

    /** Call histories recorded by other injectors, to check with the fleet's (the host's role only). */
    List<Path> historyFiles();

    /** Why the run failed as a whole (an injector lost or failed), once it ended; empty when it did not. */
    Optional<String> failure();

    @Override
    void close();
}
