package dev.rpcharness.injectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClockOffsetTest {

    private Fleet fleet;

    @BeforeEach
    void startZooKeeper() throws Exception {
        fleet = new Fleet();
    }

    @AfterEach
    void closeAll() throws Exception {
        fleet.close();
    }

    @Test
    void injectorWhoseClockIsThreeSecondsAheadMeasuresItAgainstTheConductorAndRecordsIt(@TempDir Path folder)
            throws Exception {
        RunSpec spec = RunSpec.of("run-clock", "CrashOne", 7, 2);
        try (InjectorRun conductor = InjectorRun.join(new Coordinator(fleet.client()), spec, 0);
                InjectorRun skewed = InjectorRun.join(new Coordinator(fleet.client()), spec, 1)) {
            ClockOffset conductorClock = new ClockOffset(conductor, Clock.systemUTC());
            ClockOffset skewedClock = new ClockOffset(skewed, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(3)));
            Future<ClockOffset.Offset> later = fleet.threads.submit(() ->
                    skewedClock.offsetTo(skewedClock.measureAndPublish(5), "injector-0", Duration.ofSeconds(10)));
            ClockOffset.Measurement reference = conductorClock.measureAndPublish(5);
            ClockOffset.Offset offset = later.get(20, TimeUnit.SECONDS);

            assertThat(offset.reference()).isEqualTo("injector-0");
            assertThat(offset.aheadMillis()).as("%s", offset)
                    .isBetween(3_000 - offset.uncertaintyMillis(), 3_000 + offset.uncertaintyMillis());
            ClockOffset.Offset self = conductorClock.offsetTo(reference, "injector-0", Duration.ofSeconds(1));
            assertThat(self.aheadMillis()).isZero();

            Path file = ClockOffset.write(offset, folder.resolve("injector-1"));
            assertThat(file.getFileName().toString()).isEqualTo(ClockOffset.FILE_NAME);
            assertThat(ClockOffset.read(folder.resolve("injector-1"))).isEqualTo(offset);
        }
    }

    @Test
    void offsetToAnInjectorThatNeverMeasuredFailsNamingIt() throws Exception {
        RunSpec spec = RunSpec.of("run-clock-missing", "CrashOne", 7, 2);
        try (InjectorRun run = InjectorRun.join(new Coordinator(fleet.client()), spec, 1)) {
            ClockOffset clock = new ClockOffset(run, Clock.systemUTC());
            ClockOffset.Measurement mine = clock.measureAndPublish(3);
            assertThatThrownBy(() -> clock.offsetTo(mine, "injector-0", Duration.ofMillis(300)))
                    .isInstanceOf(InjectorRunException.class)
                    .hasMessageContaining("injector-0 published no clock measurement");
        }
    }
}
