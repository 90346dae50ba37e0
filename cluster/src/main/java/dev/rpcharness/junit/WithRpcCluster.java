package dev.rpcharness.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class or method against a fresh {@link dev.rpcharness.cluster.RpcCluster}: an embedded
 * ZooKeeper and {@link #providers()} fake providers serving {@link #services()}. Test methods (and
 * {@code @BeforeEach}/{@code @AfterEach} methods) may declare parameters of these types:
 * <ul>
 *   <li>{@link dev.rpcharness.cluster.RpcCluster} - the cluster, for chaos steps and the timeline;</li>
 *   <li>{@link dev.rpcharness.consumer.ConsumerClient} - the cluster's default client;</li>
 *   <li>{@link dev.rpcharness.provider.FakeProvider} - provider 0, or the one named by {@link Provider};</li>
 *   <li>any interface in {@link #services()} - a synchronous proxy on the default client;</li>
 *   <li>{@link dev.rpcharness.consumer.AsyncObjectProxy} annotated with {@link Async} - an async proxy;</li>
 *   <li>{@link dev.rpcharness.run.Timeline} - the cluster's timeline.</li>
 * </ul>
 * After each test, every client of the cluster must have no call pending (within {@link #leakGraceMs()}),
 * Netty must have reported no leaked buffer, and the threads and open file descriptors started during the test
 * must have ended once the cluster closed (within the same grace); otherwise the test fails, naming the leak.
 * When a test fails, the cluster's timeline is logged and published as a report entry; a skipped test is not a
 * failure. A failed test also writes a replay record and logs the command that re-runs it with the recorded seed
 * (docs/history.md, "Replay"); the system property or configuration parameter {@code rpc.cluster.seed} fixes the
 * cluster's seed. A method annotation overrides the class one.
 *
 * <p>The cluster is the one {@link WithRpcClusterSpec#of(WithRpcCluster)} describes: a bare annotation stands for
 * {@link dev.rpcharness.cluster.ClusterSpec#defaults()}, the defaults of {@code RpcCluster.builder()} and of the
 * load tests' {@code LoadTarget}. Attributes that are options of the client default to {@link #UNSET}, so the
 * client's own defaults apply; the others default to the spec's values.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RpcClusterExtension.class)
public @interface WithRpcCluster {

    /**
     * Value of the client-option attributes ({@link #callTimeoutMs()}, {@link #providerWaitTimeoutMs()},
     * {@link #connectionsPerProvider()}) and of {@link #providerSessionTimeoutMs()} that leaves the option unset,
     * so the default of {@link dev.rpcharness.consumer.ConsumerOptions} (or of the provider) applies.
     */
    long UNSET = -1;

    /** Number of fake providers; 1, as {@link dev.rpcharness.cluster.ClusterSpec}'s default. */
    int providers() default 1;

    /** Servers of the embedded ZooKeeper ensemble; 1, as {@link dev.rpcharness.cluster.ClusterSpec}'s default. */
    int zooKeeperEnsemble() default 1;

    /**
     * Interfaces the providers serve, each paired by position with a class of {@link #implementations()}.
     * Empty means the demo {@code EchoService}.
     */
    Class<?>[] services() default {};

    /**
     * Implementations of {@link #services()}, by position; each needs a no-argument constructor. With
     * {@code providers = 0} they may be left out: the services are then only called, on providers the test starts
     * itself (WireMock providers registered in {@code cluster.connectString()}, for example).
     */
    Class<?>[] implementations() default {};

    /** The clients' call timeout in milliseconds; {@link #UNSET}: the client's default (3 s). */
    long callTimeoutMs() default UNSET;

    /** How long a call waits for a connected provider, in milliseconds; {@link #UNSET}: the client's default (3 s). */
    long providerWaitTimeoutMs() default UNSET;

    /**
     * Persistent connections each client opens to each provider; {@link #UNSET}: the client's default (2). A test
     * that needs every call on one connection says {@code connectionsPerProvider = 1}.
     */
    int connectionsPerProvider() default (int) UNSET;

    /**
     * The providers' ZooKeeper session timeout in milliseconds: how long a crashed provider stays registered.
     * {@link #UNSET} keeps the provider's default.
     */
    long providerSessionTimeoutMs() default UNSET;

    /**
     * The clients' ZooKeeper session timeout in milliseconds: how long a client cut from ZooKeeper keeps its
     * session. {@link #UNSET} keeps the discovery's default (15 s).
     */
    long clientSessionTimeoutMs() default UNSET;

    /**
     * A link-fault proxy on every link of the cluster (client to each provider, client to ZooKeeper, each provider
     * to ZooKeeper), reached through {@code cluster.links()}; off, as {@link dev.rpcharness.cluster.ClusterSpec}'s
     * default. docs/link-faults.md.
     */
    boolean links() default false;

    /** Registry base path; {@code /rpc}, as {@link dev.rpcharness.cluster.ClusterSpec}'s default. */
    String basePath() default "/rpc";

    /** One cluster per test method (default) or one shared by the class's tests. */
    Scope scope() default Scope.PER_METHOD;

    /** Whether the leak check runs after each test. */
    boolean checkLeaks() default true;

    /**
     * How long calls may still be pending, and threads and file descriptors started during the test still alive,
     * after a test before the leak check fails it.
     */
    long leakGraceMs() default 2_000;

    /** Name prefixes of threads the test may leave running (pools of the code under test that outlive it). */
    String[] ignoredThreads() default {};

    /**
     * Record every call of the cluster's clients and check the history after each test (docs/history.md): a
     * broken rule fails the test, naming the calls. Calls still open count as violations only with
     * {@link #checkLeaks()}.
     */
    boolean checkCallHistory() default true;

    /** How late a timeout may end after its deadline, and how near a lost connection's cause must be. */
    long callHistorySlackMs() default 2_000;

    /** Lifetime of the cluster. */
    enum Scope {
        /** A new cluster for every test method. */
        PER_METHOD,
        /** One cluster for all tests of the class (only meaningful on a class). */
        PER_CLASS
    }
}
