package dev.rpcharness.provider.standalone;

import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.provider.fault.FaultPlanJson;
import dev.rpcharness.provider.registration.ProviderEndpoint;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The stand-alone provider: a {@link FakeProvider} against any ZooKeeper, with an admin endpoint on loopback
 * ({@code --admin-host} elsewhere needs a token: {@code --admin-token-file}, the environment variable
 * {@code RPC_ADMIN_TOKEN}, or {@code --admin-token}, which the process list shows; see {@link AdminTokenSource}, and
 * {@link AdminAccess} for what each request must carry).
 *
 * <pre>
 * java -jar fake-provider-all.jar --zk 127.0.0.1:2181 --port 20881 [--host H] [--base-path /rpc]
 *      [--name N] [--session-timeout-ms 10000] [--registry-connect-timeout-ms 15000]
 *      [--admin-port 0] [--admin-host 127.0.0.1]
 *      [--admin-token-file PATH | --admin-token T]
 *      [--seed S] [--fault '{"fault":"reset","everyNth":3}']
 *      [--io-threads 1] [--worker-threads 8]
 *      [--serve com.example.HelloService=com.example.HelloServiceImpl ...]
 * </pre>
 *
 * <p>Prints {@code listening on HOST:PORT} as its first line on standard output, then
 * {@code admin on http://127.0.0.1:PORT/admin}, and runs until killed, {@code POST /admin/shutdown}, or end of
 * input when started with {@code --exit-on-stdin-eof}. Without {@code --serve} it serves
 * {@link EchoService}. Exit status 2 means bad arguments, 1 a failure to start.
 */
public final class ProviderMain {

    private ProviderMain() {
    }

    /** Parsed command line. */
    static final class Options {
        /** Where the provider listens and registers (see EndpointOptions). */
        final ProviderEndpoint.Builder endpoint = ProviderEndpoint.builder();
        int adminPort;
        String adminHost = "127.0.0.1";
        /** From {@code --admin-token}, {@code --admin-token-file} or the environment (see AdminTokenSource). */
        String adminToken;
        boolean adminTokenOnCommandLine;
        long seed;
        int ioThreads = 1;
        int workerThreads = 8;
        boolean exitOnStdinEof;
        final List<String> serve = new ArrayList<>();
        final List<String> faults = new ArrayList<>();

        static Options parse(String[] args) {
            return parse(args, System.getenv());
        }

        static Options parse(String[] args, Map<String, String> env) {
            Options o = new Options();
            String tokenOption = null;
            String tokenFile = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--exit-on-stdin-eof")) {
                    o.exitOnStdinEof = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + a + " needs a value");
                }
                String v = args[++i];
                if (EndpointOptions.apply(a, v, o.endpoint)) {
                    continue;
                }
                switch (a) {
                    case "--admin-port": o.adminPort = Integer.parseInt(v); break;
                    case "--admin-host": o.adminHost = v; break;
                    case "--admin-token": tokenOption = v; break;
                    case "--admin-token-file": tokenFile = v; break;
                    case "--seed": o.seed = Long.parseLong(v); break;
                    case "--io-threads": o.ioThreads = Integer.parseInt(v); break;
                    case "--worker-threads": o.workerThreads = Integer.parseInt(v); break;
                    case "--serve": o.serve.add(v); break;
                    case "--fault": o.faults.add(v); break;
                    default: throw new IllegalArgumentException("unknown option " + a);
                }
            }
            o.adminToken = AdminTokenSource.resolve(tokenOption, tokenFile, env);
            o.adminTokenOnCommandLine = tokenOption != null;
            return o;
        }
    }

    public static void main(String[] args) {
        run(args, StandaloneExtension.none());
    }

    /**
     * The stand-alone provider's main with {@code extension} (closed when the process ends): exits 2 on bad
     * arguments, 1 when it cannot start, 0 after shutdown.
     */
    public static void run(String[] args, StandaloneExtension extension) {
        PrintStream out = System.out;
        Options o;
        AdminAccess access;
        try {
            o = Options.parse(args);
            access = new AdminAccess(o.adminHost, o.adminToken);
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: ProviderMain [--zk CONNECT] [--port N] [--host H] [--base-path P] [--name N]"
                    + " [--session-timeout-ms MS] [--registry-connect-timeout-ms MS]"
                    + " [--admin-port N] [--admin-host H]"
                    + " [--admin-token T | --admin-token-file PATH]"
                    + " [--seed S] [--fault JSON]..."
                    + " [--io-threads N] [--worker-threads N]"
                    + " [--serve IFACE=IMPL]... [--exit-on-stdin-eof]");
            extension.close();
            System.exit(2);
            return;
        }
        if (o.adminTokenOnCommandLine) {
            System.err.println("warning: --admin-token is visible in the process list; prefer --admin-token-file"
                    + " or the environment variable " + AdminAccess.TOKEN_ENV);
        }
        CountDownLatch done = new CountDownLatch(1);
        Running running;
        try {
            running = start(o, access, extension, done::countDown);
            out.println("listening on " + running.provider().address());
            out.println("admin on " + running.adminUri());
            out.flush();
        } catch (Exception e) {
            System.err.println("error: cannot start the provider: " + e);
            extension.close();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(running::close, "provider-shutdown-hook"));
        if (o.exitOnStdinEof) {
            Thread stdin = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // discard
                    }
                } catch (java.io.IOException ignored) {
                    // treat as end of input
                }
                done.countDown();
            }, "provider-stdin");
            stdin.setDaemon(true);
            stdin.start();
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(0); // runs the hook, which closes admin, provider and extension
    }

    /**
     * Starts the stand-alone provider in this JVM, as {@link #run} does, without printing or exiting; for launchers
     * and tests. The caller closes what it returns (which closes {@code extension}); on failure {@code extension} is
     * closed here.
     *
     * @param onShutdown run after {@code POST /admin/shutdown} has been answered
     * @throws IllegalArgumentException for bad arguments
     */
    public static Running start(String[] args, StandaloneExtension extension, Runnable onShutdown)
            throws Exception {
        try {
            Options o = Options.parse(args);
            return start(o, new AdminAccess(o.adminHost, o.adminToken), extension, onShutdown);
        } catch (Exception | Error e) {
            extension.close();
            throw e;
        }
    }

    private static Running start(Options o, AdminAccess access, StandaloneExtension extension, Runnable onShutdown)
            throws Exception {
        FakeProvider provider = build(o, extension.prepare(o.endpoint.build())).start();
        try {
            extension.started(provider);
            AdminServer admin = new AdminServer(provider, o.adminPort, access, extension.adminSteps(), onShutdown);
            return new Running(provider, admin, extension);
        } catch (Exception | Error e) {
            provider.close();
            throw e;
        }
    }

    /**
     * A started stand-alone provider with its admin; {@link #close()} (idempotent, any thread) closes the admin, the
     * provider and the extension, in that order.
     */
    public static final class Running implements AutoCloseable {
        private final FakeProvider provider;
        private final AdminServer admin;
        private final StandaloneExtension extension;
        private boolean closed;

        private Running(FakeProvider provider, AdminServer admin, StandaloneExtension extension) {
            this.provider = provider;
            this.admin = admin;
            this.extension = extension;
        }

        /** The provider. */
        public FakeProvider provider() {
            return provider;
        }

        /** The admin's base URI, for example {@code http://127.0.0.1:4567/admin}. */
        public java.net.URI adminUri() {
            return admin.uri();
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            admin.close();
            provider.close();
            extension.close();
        }
    }

    static FakeProvider build(Options o) throws ReflectiveOperationException {
        return build(o, o.endpoint.build());
    }

    private static FakeProvider build(Options o, ProviderEndpoint endpoint) throws ReflectiveOperationException {
        FakeProvider.Builder b = FakeProvider.builder().endpoint(endpoint).ioThreads(o.ioThreads)
                .workerThreads(o.workerThreads);
        if (o.serve.isEmpty()) {
            b.serve(EchoService.class, new EchoServiceImpl());
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (String spec : o.serve) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--serve needs IFACE=IMPL, got " + spec);
            }
            Class<?> iface = Class.forName(spec.substring(0, eq), true, loader);
            Object impl = Class.forName(spec.substring(eq + 1), true, loader).getDeclaredConstructor().newInstance();
            serveRaw(b, iface, impl);
        }
        if (!o.faults.isEmpty()) {
            var plan = dev.rpcharness.provider.fault.FaultPlan.builder().seed(o.seed);
            var mapper = RpcJson.newMapper();
            for (String f : o.faults) {
                try {
                    FaultPlanJson.parsePlan(mapper.readTree(f)).rules().forEach(plan::rule);
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException("--fault is not JSON: " + f, e);
                }
            }
            b.faultPlan(plan.build());
        }
        return b.build();
    }

    @SuppressWarnings("unchecked")
    private static <T> void serveRaw(FakeProvider.Builder b, Class<T> iface, Object impl) {
        if (!iface.isInstance(impl)) {
            throw new IllegalArgumentException(impl.getClass().getName() + " does not implement " + iface.getName());
        }
        b.serve(iface, (T) impl);
    }
}
