package dev.rpcharness.link;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A set of named links sharing one pool of event loops: what Toxiproxy's server holds, and what the
 * {@code dev.rpcharness.link.api} HTTP API drives. Each link's seed is the set's seed mixed with the link's name,
 * so a link of the same name replays the same toxicity draws.
 *
 * <p>Threading: safe from any thread. Lifecycle: links are created started (or disabled when asked), removed
 * (and closed) one by one, or all closed by {@link #close()}, which also stops the event loops.
 */
public final class Links implements AutoCloseable {

    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final EventLoopGroup group;
    private final long seed;
    private final ToxicScope scope;
    private boolean closed;

    /**
     * @param ioThreads event loops shared by every link (at least 1)
     * @param seed      the seed every link's toxicity draws derive from
     * @param scope     whether toxic changes reach open connections, for every link of the set
     */
    public Links(int ioThreads, long seed, ToxicScope scope) {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be >= 1, was " + ioThreads);
        }
        this.group = new MultiThreadIoEventLoopGroup(ioThreads, NioIoHandler.newFactory());
        this.seed = seed;
        this.scope = scope;
    }

    /** Two threads, seed 0, toxic changes reaching open connections (Toxiproxy's behaviour). */
    public Links() {
        this(2, 0, ToxicScope.OPEN_AND_NEW);
    }

    /**
     * Creates, starts and keeps a link; a name already used is a LinkException.
     *
     * @param enabled false to create it disabled (not listening), as Toxiproxy allows
     */
    public synchronized Link create(String name, InetSocketAddress listen, InetSocketAddress upstream,
                                    boolean enabled) {
        if (closed) {
            throw new IllegalStateException("links are closed; cannot create link '" + name + "'");
        }
        if (links.containsKey(name)) {
            throw new LinkException("a link named '" + name + "' already exists");
        }
        Link link = Link.builder().name(name).listen(listen.getHostString(), listen.getPort())
                .upstream(upstream.getHostString(), upstream.getPort()).seed(seed ^ name.hashCode() * 31L)
                .scope(scope).eventLoopGroup(group).build().start();
        if (!enabled) {
            link.disable();
        }
        links.put(name, link);
        return link;
    }

    /** The link of that name, or null. */
    public Link get(String name) {
        return links.get(name);
    }

    /** The links, in no particular order. */
    public Collection<Link> all() {
        return List.copyOf(links.values());
    }

    /** Closes and forgets a link; returns whether there was one. */
    public synchronized boolean remove(String name) {
        Link link = links.remove(name);
        if (link == null) {
            return false;
        }
        link.close();
        return true;
    }

    /** Toxiproxy's reset: every link enabled and without toxics. */
    public synchronized void reset() {
        for (Link link : links.values()) {
            link.removeAllToxics();
            link.enable();
        }
    }

    /** Closes every link and stops the event loops. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Link> all = new ArrayList<>(links.values());
        links.clear();
        all.forEach(Link::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
