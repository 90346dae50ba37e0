package dev.rpcharness.provider.standalone;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standard output and error of a {@link ProviderMain} process: two daemon threads drain them into this
 * class's log, keep the last few kilobytes for error messages, and pick out the {@code listening on} and
 * {@code admin on} lines the process prints once it is up.
 *
 * <p>Life cycle: the threads start with the instance and end when the process's streams close (it exits or is
 * killed); {@link #join()} waits for them. Thread-safe.
 */
final class ProcessOutput {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessOutput.class);
    private static final String LISTENING = "listening on ";
    private static final String ADMIN = "admin on ";
    private static final int TAIL_CHARS = 4_000;

    private final CompletableFuture<String> listening = new CompletableFuture<>();
    private final CompletableFuture<String> admin = new CompletableFuture<>();
    private final StringBuffer tail = new StringBuffer();
    private final Thread out;
    private final Thread err;

    /** Starts draining {@code process}'s output; {@code label} names the threads and log lines. */
    ProcessOutput(Process process, String label) {
        this.out = drain(process.getInputStream(), label + "-stdout", true);
        this.err = drain(process.getErrorStream(), label + "-stderr", false);
    }

    /** The {@code host:port} the process printed; waits up to {@code timeoutMs}. */
    String listeningAddress(long timeoutMs) throws TimeoutException, ExecutionException, InterruptedException {
        return listening.get(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** The admin endpoint's URI the process printed; waits up to {@code timeoutMs}. */
    URI adminUri(long timeoutMs) throws TimeoutException, ExecutionException, InterruptedException {
        return URI.create(admin.get(timeoutMs, TimeUnit.MILLISECONDS));
    }

    /** The last lines of both streams, for a message about a process that did not come up. */
    String tail() {
        return tail.toString();
    }

    /** Waits up to 5 s for each drain thread to end. */
    void join() throws InterruptedException {
        out.join(5_000);
        err.join(5_000);
    }

    private Thread drain(InputStream in, String name, boolean watch) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    LOG.debug("[{}] {}", name, line);
                    keep(line);
                    if (watch && line.startsWith(LISTENING)) {
                        listening.complete(line.substring(LISTENING.length()).trim());
                    } else if (watch && line.startsWith(ADMIN)) {
                        admin.complete(line.substring(ADMIN.length()).trim());
                    }
                }
            } catch (IOException e) {
                LOG.debug("[{}] closed: {}", name, e.toString());
            }
            if (watch) {
                listening.completeExceptionally(new IllegalStateException("process output ended"));
                admin.completeExceptionally(new IllegalStateException("process output ended"));
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void keep(String line) {
        synchronized (tail) {
            tail.append(line).append('\n');
            if (tail.length() > 2 * TAIL_CHARS) {
                tail.delete(0, tail.length() - TAIL_CHARS);
            }
        }
    }
}
