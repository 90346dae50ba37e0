package dev.rpcharness.link.mirror;

import dev.rpcharness.link.ToxicScope;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The stand-alone mirror: a {@link ProviderMirror} in front of a real fleet, with the Toxiproxy-compatible API.
 *
 * <pre>
 * java -cp ... dev.rpcharness.link.mirror.MirrorMain --zookeeper zk1:2181 [--base-path /rpc]
 *      [--mirror-base-path /rpc-mirror] [--link-host 127.0.0.1] [--advertised-host H]
 *      [--api-host 127.0.0.1] [--api-port 8474] [--api-token-file PATH]
 *      [--session-timeout 15000] [--connect-timeout 10000] [--io-threads 2] [--seed 0]
 *      [--scope open_and_new|new_only] [--exit-on-stdin-eof]
 * </pre>
 *
 * Durations are milliseconds. The API's token comes from {@code --api-token-file} or the environment variable
 * {@value #TOKEN_ENV} (never from the command line, which the process list shows). Prints
 * {@code link API on http://HOST:PORT} as its first line, then one line per provider mirrored at start, and runs
 * until killed or, with {@code --exit-on-stdin-eof}, until its input ends. Exit status 2 means a bad option (the
 * message names it), 1 a failure to start.
 */
public final class MirrorMain {

    /** The environment variable that may hold the API's bearer token. */
    public static final String TOKEN_ENV = "RPC_LINK_API_TOKEN";

    private MirrorMain() {
    }

    /** The parsed command line. */
    record Command(MirrorOptions options, boolean exitOnStdinEof) {
    }

    /**
     * Parses the command line into options.
     *
     * @throws MirrorOptionException naming the option that is unknown, lacks a value or has a bad one
     */
    static Command parse(String[] args, Map<String, String> env) {
        MirrorOptions.Builder b = MirrorOptions.builder();
        boolean exitOnEof = false;
        String token = env.get(TOKEN_ENV);
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--exit-on-stdin-eof")) {
                exitOnEof = true;
                continue;
            }
            String option = option(flag);
            if (i + 1 >= args.length) {
                throw new MirrorOptionException(option, "needs a value");
            }
            String v = args[++i];
            switch (flag) { // the flags as written, so docs and code name the same strings
                case "--zookeeper" -> b.zookeeper(v);
                case "--base-path" -> b.basePath(v);
                case "--mirror-base-path" -> b.mirrorBasePath(v);
                case "--link-host" -> b.linkHost(v);
                case "--advertised-host" -> b.advertisedHost(v);
                case "--api-host" -> b.apiHost(v);
                case "--api-port" -> b.apiPort((int) number(option, v));
                case "--api-token-file" -> token = readToken(v);
                case "--session-timeout" -> b.sessionTimeout(Duration.ofMillis(number(option, v)));
                case "--connect-timeout" -> b.connectTimeout(Duration.ofMillis(number(option, v)));
                case "--io-threads" -> b.ioThreads((int) number(option, v));
                case "--seed" -> b.seed(number(option, v));
                case "--scope" -> b.scope(scope(v));
                default -> throw new MirrorOptionException(option, "is not an option of the mirror");
            }
        }
        b.apiToken(token == null || token.isBlank() ? null : token.trim());
        return new Command(b.build(), exitOnEof);
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        Command command;
        try {
            command = parse(args, System.getenv());
        } catch (MirrorOptionException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: MirrorMain --zookeeper CONNECT [--base-path P] [--mirror-base-path P]"
                    + " [--link-host H] [--advertised-host H] [--api-host H] [--api-port N] [--api-token-file PATH]"
                    + " [--session-timeout MS] [--connect-timeout MS] [--io-threads N] [--seed S]"
                    + " [--scope open_and_new|new_only] [--exit-on-stdin-eof]");
            System.exit(2);
            return;
        }
        ProviderMirror mirror = new ProviderMirror(command.options());
        try {
            mirror.start();
        } catch (RuntimeException e) {
            mirror.close();
            System.err.println("error: cannot start the mirror: " + e.getMessage());
            System.exit(1);
            return;
        }
        out.println("link API on http://" + command.options().apiHost() + ":" + mirror.apiPort());
        mirror.mirrored().forEach((real, link) -> out.println("mirrored " + real + " as " + link));
        out.flush();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(mirror::close, "mirror-shutdown-hook"));
        if (command.exitOnStdinEof()) {
            Thread stdin = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // discard
                    }
                } catch (IOException ignored) {
                    // treat as end of input
                }
                done.countDown();
            }, "mirror-stdin");
            stdin.setDaemon(true);
            stdin.start();
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(0); // runs the hook, which closes the mirror
    }

    /** {@code --mirror-base-path} gives {@code mirrorBasePath}; anything not a flag is named as given. */
    private static String option(String flag) {
        if (!flag.startsWith("--") || flag.length() < 3) {
            throw new MirrorOptionException(flag, "is not an option (options start with --)");
        }
        StringBuilder name = new StringBuilder();
        boolean upper = false;
        for (char c : flag.substring(2).toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                name.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return name.toString();
    }

    private static long number(String option, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new MirrorOptionException(option, "must be a whole number, was '" + value + "'");
        }
    }

    private static ToxicScope scope(String value) {
        try {
            return ToxicScope.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new MirrorOptionException("scope", "must be open_and_new or new_only, was '" + value + "'");
        }
    }

    private static String readToken(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            throw new MirrorOptionException("apiTokenFile", "cannot be read: '" + file + "' (" + e + ")");
        }
    }
}
