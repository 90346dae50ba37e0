package dev.rpcharness.injectors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the injector JVMs of one run on this machine: N copies of a main class on this JVM's class path, each told
 * its place through system properties ({@value #RUN_ID}, {@value #INDEX}, {@value #INJECTORS},
 * {@value #COORDINATOR}), each writing its output to {@code <folder>/injector-<i>.log}. The children coordinate
 * through ZooKeeper themselves ({@link InjectorRun}); the launcher only starts, waits for and, on close, kills them.
 *
 * <p>Threading: one thread uses it. Lifecycle: {@link #start} starts every JVM; {@link #close()} kills the ones still
 * running (forcibly) and waits for them, so no child outlives its launcher.
 */
public final class InjectorLauncher implements AutoCloseable {

    /** The run's id, as a child JVM reads it. */
    public static final String RUN_ID = "rpc.run.id";
    /** The child's index in {@code [0, injectors)}. */
    public static final String INDEX = "rpc.injector.index";
    /** How many injectors the run has. */
    public static final String INJECTORS = "rpc.injectors";
    /** ZooKeeper's connect string, {@code host:port[,host:port]}. */
    public static final String COORDINATOR = "rpc.coordinator";

    private static final Logger log = LoggerFactory.getLogger(InjectorLauncher.class);

    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    private final int firstIndex;

    private InjectorLauncher(int firstIndex) {
        this.firstIndex = firstIndex;
    }

    /**
     * Starts {@code spec.injectors()} JVMs of {@code mainClass}.
     *
     * @param spec the run (its id and number of injectors are passed on)
     * @param coordinator ZooKeeper's connect string
     * @param mainClass the class whose {@code main} each child runs
     * @param jvmOptions extra JVM options for every child ({@code -Xmx128m}, {@code -Dname=value})
     * @param folder where the children's logs go
     * @throws IOException when a JVM cannot be started (the ones already started are killed)
     */
    public static InjectorLauncher start(RunSpec spec, String coordinator, Class<?> mainClass,
            List<String> jvmOptions, Path folder) throws IOException {
        return start(spec, coordinator, 0, mainClass.getName(), i -> jvmOptions, i -> List.of(), folder);
    }

    /**
     * Starts the JVMs of injectors {@code firstIndex} to {@code spec.injectors() - 1}, each running
     * {@code mainClass} with its own JVM options and program arguments (the injectors below {@code firstIndex}
     * run elsewhere, such as injector 0 in the launching JVM itself).
     *
     * @param jvmOptions the extra JVM options of injector {@code i}
     * @param arguments the program arguments of injector {@code i}
     * @throws IOException when a JVM cannot be started (the ones already started are killed)
     */
    public static InjectorLauncher start(RunSpec spec, String coordinator, int firstIndex, String mainClass,
            IntFunction<List<String>> jvmOptions, IntFunction<List<String>> arguments, Path folder)
            throws IOException {
        Objects.requireNonNull(coordinator, "coordinator");
        if (firstIndex < 0 || firstIndex > spec.injectors()) {
            throw new IllegalArgumentException("first index " + firstIndex + " is outside [0, " + spec.injectors()
                    + "]");
        }
        Files.createDirectories(folder);
        InjectorLauncher launcher = new InjectorLauncher(firstIndex);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            for (int i = firstIndex; i < spec.injectors(); i++) {
                List<String> command = new ArrayList<>();
                command.add(java);
                command.addAll(jvmOptions.apply(i));
                command.add("-D" + RUN_ID + "=" + spec.runId());
                command.add("-D" + INDEX + "=" + i);
                command.add("-D" + INJECTORS + "=" + spec.injectors());
                command.add("-D" + COORDINATOR + "=" + coordinator);
                command.add("-cp");
                command.add(System.getProperty("java.class.path"));
                command.add(mainClass);
                command.addAll(arguments.apply(i));
                Path logFile = folder.resolve(spec.injectorId(i) + ".log");
                Process p = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(logFile.toFile()).start();
                launcher.processes.add(p);
                launcher.logs.add(logFile);
                log.info("run {}: started {} as pid {}", spec.runId(), spec.injectorId(i), p.pid());
            }
        } catch (IOException | RuntimeException e) {
            launcher.close();
            throw e;
        }
        return launcher;
    }

    /** The child JVM of injector {@code index}. */
    public Process process(int index) {
        return processes.get(index - firstIndex);
    }

    /** The log file of injector {@code index}. */
    public Path log(int index) {
        return logs.get(index - firstIndex);
    }

    /**
     * Waits for every child to exit, at most {@code wait} in all.
     *
     * @return the exit codes, the first of injector {@code firstIndex}
     * @throws InjectorRunException naming the injectors still running after {@code wait}
     */
    public List<Integer> awaitExit(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<Integer> codes = new ArrayList<>();
        List<String> running = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            if (p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                codes.add(p.exitValue());
            } else {
                running.add("injector-" + (i + firstIndex) + " (pid " + p.pid() + ")");
            }
        }
        if (!running.isEmpty()) {
            throw new InjectorRunException("still running after " + wait.toMillis() + " ms: "
                    + String.join(", ", running));
        }
        return codes;
    }

    /** Kills the children still running and waits up to 10 s for each. Idempotent. */
    @Override
    public void close() {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    log.warn("injector pid {} did not end within 10 s of being killed", p.pid());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
