package dev.rpcharness.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.protocol.InvalidProviderNodeException;
import dev.rpcharness.protocol.ProviderNode;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.protocol.WireContract;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the provider registry in ZooKeeper ({@code <basePath>/providers}, docs/wire-contract.md) with Curator and keeps
 * the current provider list. Curator retries the connection, re-establishes the session and re-syncs the cache;
 * while ZooKeeper is unreachable the last known list stays in force, so an outage alone never stops traffic.
 * Nodes with unusable data are skipped with one warning each.
 *
 * <p>Lifecycle: the constructor connects, waiting a bounded time for the first connection, and starts watching;
 * {@link #close()} stops the watch and closes the session. A {@link ConsumerClient} given a discovery owns it and
 * closes it. Listeners run on Curator's event thread, one at a time, each with the whole current list.
 */
public final class ServiceDiscovery implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServiceDiscovery.class);
    private static final Duration DEFAULT_CONNECT_WAIT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(15);

    private final String connectString;
    private final String providersPath;
    private final ObjectMapper mapper = RpcJson.newMapper();
    private final ExecutorService notifyExecutor;
    private final CuratorFramework curator;
    private final CuratorCache cache;
    private final List<Consumer<List<ProviderNode>>> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> warnedNodes = new HashSet<>();
    private volatile List<ProviderNode> providers = List.of();
    private volatile boolean closed;

    /** Watches {@code /rpc/providers} on the given ensemble. */
    public ServiceDiscovery(String zkConnectString) {
        this(zkConnectString, WireContract.DEFAULT_BASE_PATH);
    }

    /** Watches {@code <basePath>/providers} on the given ensemble. */
    public ServiceDiscovery(String zkConnectString, String basePath) {
        this(zkConnectString, basePath, DEFAULT_CONNECT_WAIT);
    }

    /**
     * @param zkConnectString ZooKeeper connect string, for example {@code 127.0.0.1:2181}
     * @param basePath        registry base path, {@code /rpc} by default
     * @param connectWait     how long to wait for the first connection
     * @throws RegistryException when ZooKeeper cannot be reached within {@code connectWait}
     */
    public ServiceDiscovery(String zkConnectString, String basePath, Duration connectWait) {
        this(zkConnectString, basePath, connectWait, DEFAULT_SESSION_TIMEOUT);
    }

    /**
     * @param sessionTimeout the ZooKeeper session timeout asked for (the server bounds it), 15 s by the other
     *                       constructors: how long the session outlives a cut from ZooKeeper
     * @throws RegistryException when ZooKeeper cannot be reached within {@code connectWait}
     */
    public ServiceDiscovery(String zkConnectString, String basePath, Duration connectWait, Duration sessionTimeout) {
        if (sessionTimeout == null || sessionTimeout.isNegative() || sessionTimeout.isZero()
                || sessionTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sessionTimeout must be positive, was " + sessionTimeout);
        }
        if (zkConnectString == null || zkConnectString.isBlank()) {
            throw new IllegalArgumentException("ZooKeeper connect string is empty");
        }
        this.connectString = zkConnectString;
        this.providersPath = WireContract.providersPath(basePath);
        // Curator's default "safe" notification thread is shared and never stopped; this one closes with us.
        this.notifyExecutor = Executors.newSingleThreadExecutor(
                new DefaultThreadFactory("rpc-discovery-" + Integer.toHexString(System.identityHashCode(this)), true));
        this.curator = CuratorFrameworkFactory.builder()
                .runSafeService(notifyExecutor)
                .connectString(zkConnectString)
                .sessionTimeoutMs((int) sessionTimeout.toMillis())
                .connectionTimeoutMs((int) Math.min(Integer.MAX_VALUE, connectWait.toMillis()))
                .retryPolicy(new ExponentialBackoffRetry(100, 20, 1_000))
                .build();
        curator.start();
        try {
            if (!curator.blockUntilConnected((int) connectWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new RegistryException("cannot reach ZooKeeper at " + zkConnectString + " within "
                        + connectWait.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            curator.close();
            notifyExecutor.shutdownNow();
            throw new RegistryException("interrupted while connecting to ZooKeeper at " + zkConnectString, e);
        } catch (RegistryException e) {
            curator.close();
            notifyExecutor.shutdownNow();
            throw e;
        }
        this.cache = CuratorCache.build(curator, providersPath);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, oldData, data) -> refresh())
                .forInitialized(this::refresh)
                .build());
        cache.start();
        log.info("watching {} on ZooKeeper {}", providersPath, zkConnectString);
    }

    /** The providers currently listed, sorted by address. */
    public List<ProviderNode> providers() {
        return providers;
    }

    /** The path whose children are watched, for example {@code /rpc/providers}. */
    public String providersPath() {
        return providersPath;
    }

    /** The ZooKeeper connect string. */
    public String connectString() {
        return connectString;
    }

    /**
     * Registers a listener that receives the whole provider list on every change, and once at once with the
     * current list.
     */
    public void addListener(Consumer<List<ProviderNode>> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        listener.accept(providers);
    }

    /** Removes a listener added before. */
    public void removeListener(Consumer<List<ProviderNode>> listener) {
        listeners.remove(listener);
    }

    private synchronized void refresh() {
        if (closed) {
            return;
        }
        List<ProviderNode> fresh = new ArrayList<>();
        cache.stream()
                .filter(node -> providersPath.equals(ZKPaths.getPathAndNode(node.getPath()).getPath()))
                .forEach(node -> parse(node, fresh));
        fresh.sort(Comparator.comparing(ProviderNode::address));
        if (!fresh.equals(providers)) {
            providers = List.copyOf(fresh);
            log.info("providers under {}: {}", providersPath, fresh.stream().map(ProviderNode::address).toList());
            for (Consumer<List<ProviderNode>> listener : listeners) {
                try {
                    listener.accept(providers);
                } catch (RuntimeException e) {
                    log.warn("provider list listener failed", e);
                }
            }
        }
    }

    private void parse(ChildData node, List<ProviderNode> into) {
        try {
            into.add(ProviderNode.parse(node.getPath(), node.getData(), mapper));
        } catch (InvalidProviderNodeException e) {
            String key = node.getPath() + "@" + (node.getStat() == null ? 0 : node.getStat().getMzxid());
            if (warnedNodes.add(key)) {
                log.warn("skipping {}", e.getMessage());
            }
        }
    }

    /** The Curator client, for tests of this package that expire the session. */
    CuratorFramework curator() {
        return curator;
    }

    /** Stops watching and closes the ZooKeeper session. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        listeners.clear();
        cache.close();
        curator.close();
        notifyExecutor.shutdown();
        try {
            if (!notifyExecutor.awaitTermination(500, TimeUnit.MILLISECONDS)) {
                notifyExecutor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            notifyExecutor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "ServiceDiscovery[" + connectString + providersPath + "]";
    }
}
