package dev.rpcharness.loadtest.run;

import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.AsyncRpcCallback;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.ServiceDiscovery;
import dev.rpcharness.injectors.LoadSplit;
import dev.rpcharness.loadtest.record.LatencyRecorder;
import dev.rpcharness.loadtest.record.Outcome;
import dev.rpcharness.protocol.WireContract;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.run.RunFolder;
import dev.rpcharness.run.Timeline;
import dev.rpcharness.run.TimelineAction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One load injector without Gatling: calls {@code EchoService#echo} on the providers registered in a ZooKeeper (or
 * given directly) at a fixed rate for a bounded time, and writes a run folder the reports module reads: the
 * HdrHistogram interval log ({@code rpc-latency.hlog}), its own timeline ({@code injector-start},
 * {@code injector-stop}) and the summary. Several injectors, on one host or many, driving one fleet each write their
 * own folder; {@code ReportMain --merge} makes one report of them.
 *
 * <pre>
 *   java -cp ... dev.rpcharness.loadtest.run.Injector --zk 10.0.0.5:2181 --rate 500 --seconds 60 --out runs/host-a
 *   options: --zk HOST:PORT[,...] | --direct HOST:PORT[,...]   where the providers are
 *            --base-path /rpc  --rate 200 (calls/s)  --seconds 10  --timeout-ms 1000  --max-in-flight 2000
 *            --name injector  --out DIR (the run folder to write)
 *            --run ID --index I --injectors N   one of N injectors of a run coordinated through --zk
 *                                               (docs/injectors.md): exact stripe of the rate, shared start/end
 *            --abort-if-error-percent X   stop when over X% of at least 100 calls failed (checked each second);
 *                                         in a run, abort every injector of it (the run's spec opts in)
 * </pre>
 *
 * <p>Lifecycle: {@link #run()} once; it starts the client and the recorder, sends {@code rate * seconds} calls at
 * most, waits for them (bounded by the call timeout), writes the files and closes everything. Calls are paced on
 * the calling thread (open model: latency counts from each call's intended start); results arrive on the client's
 * callback threads.
 */
public final class Injector {

    private static final Logger log = LoggerFactory.getLogger(Injector.class);
    /** The longest park of the pacing loop between two looks at whether to stop. */
    private static final long STOP_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String zooKeeper;
    private final String direct;
    private final String basePath;
    private final double rate;
    private final Duration duration;
    private final Duration callTimeout;
    private final int maxInFlight;
    private final String name;
    private final Path out;
    private final RunPlace place;
    private final double abortIfErrorPercent;

    /** Where this injector stands in a coordinated run ({@code --run}), or null alone. */
    record RunPlace(String runId, int index, int injectors) {
    }

    private Injector(String zooKeeper, String direct, String basePath, double rate, Duration duration,
            Duration callTimeout, int maxInFlight, String name, Path out, RunPlace place, double abortIfErrorPercent) {
        if ((zooKeeper == null) == (direct == null)) {
            throw new IllegalArgumentException("give exactly one of --zk HOST:PORT and --direct HOST:PORT[,...]");
        }
        if (!(rate > 0) || rate > 1_000_000) {
            throw new IllegalArgumentException("--rate must be between 0 and 1000000 calls/s, was " + rate);
        }
        if (duration.isNegative() || duration.isZero() || duration.toHours() > 24) {
            throw new IllegalArgumentException("--seconds must be between 1 and 86400, was " + duration.toSeconds());
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("--max-in-flight must be at least 1, was " + maxInFlight);
        }
        this.zooKeeper = zooKeeper;
        this.direct = direct;
        this.basePath = basePath;
        this.rate = rate;
        this.duration = duration;
        this.callTimeout = callTimeout;
        this.maxInFlight = maxInFlight;
        this.name = Objects.requireNonNull(name, "name");
        this.out = Objects.requireNonNull(out, "--out");
        if (place != null) {
            if (zooKeeper == null) {
                throw new IllegalArgumentException("--run needs --zk HOST:PORT: the run is coordinated there");
            }
            if (place.injectors() < 1 || place.index() < 0 || place.index() >= place.injectors()) {
                throw new IllegalArgumentException("--index must be in [0, --injectors), was " + place.index()
                        + " of " + place.injectors());
            }
        }
        this.place = place;
        if (!Double.isNaN(abortIfErrorPercent) && !(abortIfErrorPercent >= 0 && abortIfErrorPercent < 100)) {
            throw new IllegalArgumentException("--abort-if-error-percent must be in [0, 100), was "
                    + abortIfErrorPercent);
        }
        this.abortIfErrorPercent = abortIfErrorPercent;
    }

    public static void main(String[] args) {
        Injector injector = parse(args);
        Path folder = injector.run();
        System.out.println("injector " + injector.name + " wrote " + folder.toAbsolutePath());
    }

    /**
     * Reads the command's options.
     *
     * @throws IllegalArgumentException naming the option that is wrong or missing
     */
    public static Injector parse(String[] args) {
        String zk = null;
        String direct = null;
        String basePath = WireContract.DEFAULT_BASE_PATH;
        double rate = 200;
        long seconds = 10;
        long timeoutMs = 1000;
        int maxInFlight = 2000;
        String name = "injector";
        Path out = null;
        String runId = null;
        int index = 0;
        int injectors = 1;
        double abortIfErrorPercent = Double.NaN;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            try {
                switch (a) {
                    case "--zk" -> zk = v;
                    case "--direct" -> direct = v;
                    case "--base-path" -> basePath = v;
                    case "--rate" -> rate = Double.parseDouble(v);
                    case "--seconds" -> seconds = Long.parseLong(v);
                    case "--timeout-ms" -> timeoutMs = Long.parseLong(v);
                    case "--max-in-flight" -> maxInFlight = Integer.parseInt(v);
                    case "--name" -> name = v;
                    case "--out" -> out = Paths.get(v);
                    case "--run" -> runId = v;
                    case "--index" -> index = Integer.parseInt(v);
                    case "--injectors" -> injectors = Integer.parseInt(v);
                    case "--abort-if-error-percent" -> abortIfErrorPercent = Double.parseDouble(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(a + " needs a number, was '" + v + "'", e);
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("--out DIR is required: the run folder to write");
        }
        return new Injector(zk, direct, basePath, rate, Duration.ofSeconds(seconds), Duration.ofMillis(timeoutMs),
                maxInFlight, name, out, runId == null ? null : new RunPlace(runId, index, injectors),
                abortIfErrorPercent);
    }

    /** Sends the load and writes the run folder; returns it. */
    public Path run() {
        if (place == null) {
            return run(null);
        }
        try (RunMembership membership = RunMembership.join(zooKeeper, place.runId(), place.index(),
                place.injectors(), rate, duration, abortIfErrorPercent)) {
            return run(membership);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + " interrupted joining run " + place.runId(), e);
        }
    }

    private Path run(RunMembership membership) {
        Timeline timeline = new Timeline();
        long alone = Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
        long periodNanos = Math.max(1, Math.round(1e9 / rate));
        // Alone: every period. In a run: this injector's stripe of the run's arrivals, at the run's arrival times.
        LoadSplit.OpenShare share = membership == null ? null : membership.share(rate, duration);
        long total = share == null ? alone : share.arrivals();
        LongUnaryOperator offset = share == null ? j -> j * periodNanos : share::arrivalNanos;
        ConsumerOptions options = ConsumerOptions.builder().callTimeout(callTimeout).build();
        Semaphore inFlight = new Semaphore(maxInFlight);
        AtomicLong failed = new AtomicLong();
        long sent = 0;
        RunFolder folder = new RunFolder(out);
        try (LatencyRecorder recorder = new LatencyRecorder(folder.file(RunFolder.LATENCY_LOG), Duration.ofSeconds(1));
             ConsumerClient client = zooKeeper != null
                     ? new ConsumerClient(new ServiceDiscovery(zooKeeper, basePath, Duration.ofSeconds(10)), options)
                     : new ConsumerClient(direct, options)) {
            AsyncObjectProxy echo = client.createAsync(EchoService.class);
            awaitFirstAnswer(client);
            long start = membership == null ? System.nanoTime()
                    : membership.awaitStart(recorder::callCount, failed::get);
            String inRun = membership == null ? ""
                    : ", " + membership.id() + " of run " + place.runId() + ": " + total + " calls";
            timeline.record(TimelineAction.INJECTOR_START, name, String.format(Locale.ROOT,
                    "%s %.0f calls/s for %d s%s", zooKeeper != null ? "zk " + zooKeeper + basePath : "direct " + direct,
                    rate, duration.toSeconds(), inRun));
            LoadGuard guard = new LoadGuard(name, abortIfErrorPercent, recorder::callCount, failed::get, membership,
                    start);
            for (; sent < total && !guard.stop(System.nanoTime()); sent++) {
                long intended = start + offset.applyAsLong(sent);
                long wait;
                while ((wait = intended - System.nanoTime()) > 0 && !guard.stop(System.nanoTime())) {
                    LockSupport.parkNanos(Math.min(wait, STOP_CHECK_NANOS));
                }
                if (guard.reason() != null) {
                    break;
                }
                if (!inFlight.tryAcquire(callTimeout.toMillis() * 2, TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException(name + ": " + maxInFlight + " calls still in flight after "
                            + callTimeout.toMillis() * 2 + " ms");
                }
                RpcFuture f = echo.call("echo", "ping");
                f.addCallback(new AsyncRpcCallback() {
                    @Override
                    public void success(Object result) {
                        end(null);
                    }

                    @Override
                    public void fail(Exception e) {
                        failed.incrementAndGet();
                        end(e);
                    }

                    private void end(Throwable error) {
                        long endNanos = f.endNanos() != 0 ? f.endNanos() : System.nanoTime();
                        long latency = endNanos - Math.min(intended, f.startNanos());
                        recorder.record("echo", f.providerAddress(), Outcome.of(error), latency);
                        if (membership != null) {
                            membership.ended(latency); // the run's progress line
                        }
                        inFlight.release();
                    }
                });
            }
            if (!inFlight.tryAcquire(maxInFlight, callTimeout.toMillis() * 2 + 5_000, TimeUnit.MILLISECONDS)) {
                log.warn("{}: calls still in flight at the end", name);
            }
            timeline.record(TimelineAction.INJECTOR_STOP, name, sent + " calls, " + failed.get() + " failed"
                    + (guard.reason() == null ? "" : ", stopped early: " + guard.reason()));
            recorder.close();
            folder.writeTimeline(timeline);
            RunSummary.of(name, recorder).writeTo(folder);
            log.info("injector {}: {} calls, {} failed, run folder {}", name, sent, failed.get(), out);
            if (membership != null) {
                log.info("injector {}: {}", name, membership.finish(out)); // throws when the run was aborted
            }
            if (guard.reason() != null) {
                throw new IllegalStateException("injector " + name + " stopped early: " + guard.reason());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": writing " + out + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + " interrupted after " + sent + " calls", e);
        }
    }

    /**
     * Waits until one call is answered (discovery found a provider and it serves), at most 30 s, so the load does
     * not start with calls that fail only because the injector has not found the fleet yet. Not recorded.
     */
    private void awaitFirstAnswer(ConsumerClient client) {
        EchoService echo = client.create(EchoService.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                echo.echo("ready");
                return;
            } catch (RuntimeException e) {
                // Each attempt waits for a provider up to the client's provider wait: no busy loop.
                last = e;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
        throw new IllegalStateException(name + ": no provider answered within 30 s", last);
    }

    @Override
    public String toString() {
        return "Injector[" + name + ", " + (zooKeeper != null ? "zk " + zooKeeper : "direct " + direct) + ", " + rate
                + "/s for " + duration.toSeconds() + " s]";
    }
}
