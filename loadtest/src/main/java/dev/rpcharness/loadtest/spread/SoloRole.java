package dev.rpcharness.loadtest.spread;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link InjectorRole#solo()}: a run of one injector, with nothing to coordinate. Stateless. */
final class SoloRole implements InjectorRole {

    static final SoloRole INSTANCE = new SoloRole();

    private SoloRole() {
    }

    @Override
    public boolean sendsArrival(long arrival) {
        return true;
    }

    @Override
    public void chaosStep(String name, Runnable onFleet) {
        onFleet.run();
    }

    @Override
    public String check(String name, Supplier<String> evaluate) {
        return evaluate.get();
    }

    @Override
    public void awaitStart(Supplier<LiveFigures> live) {
    }

    @Override
    public void awaitOthers() {
    }

    @Override
    public void leave(Path runDir) {
    }

    @Override
    public List<Path> historyFiles() {
        return List.of();
    }

    @Override
    public Optional<String> failure() {
        return Optional.empty();
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "solo injector";
    }
}
