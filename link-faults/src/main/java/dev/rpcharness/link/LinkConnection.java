package dev.rpcharness.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection through a link and the connection the link opened to the upstream for it: two
 * {@link Flow}s, one per direction, and the timers of the timeout toxic.
 *
 * <p>Threading: both channels share one event loop; every method except {@link #applyToxicsLater} runs on it.
 * Lifecycle: created when the upstream connection is up; ends when either side closes, when a toxic closes or
 * resets it, or when its link is disabled or closed. {@code onClosed} is told once.
 */
final class LinkConnection {

    private static final Logger log = LoggerFactory.getLogger(LinkConnection.class);

    private final String linkName;
    private final long index;
    private final long seed;
    private final Channel client;
    private final Channel server;
    private final Flow upstream;
    private final Flow downstream;
    private final Map<String, Timer> timeouts = new HashMap<>();
    private boolean closed;

    private record Timer(Toxic toxic, ScheduledFuture<?> future) {
    }

    LinkConnection(String linkName, long index, long seed, Channel client, Channel server, AtomicLong held,
                   Consumer<LinkConnection> onClosed) {
        this.linkName = linkName;
        this.index = index;
        this.seed = seed;
        this.client = client;
        this.server = server;
        SplittableRandom random = new SplittableRandom(mix(seed, index));
        this.upstream = new Flow(this, LinkDirection.UPSTREAM, client, server, random.split(), held);
        this.downstream = new Flow(this, LinkDirection.DOWNSTREAM, server, client, random.split(), held);
        client.pipeline().addLast("link-relay", new Relay(upstream, downstream));
        server.pipeline().addLast("link-relay", new Relay(downstream, upstream));
        // Each side's close reaches the other through its Flow, after what may still pass has passed.
        client.closeFuture().addListener(f -> server.closeFuture().addListener(g -> onClosed.accept(this)));
    }

    /** Starts reading on both sides; call once, on the event loop, after the toxics were first applied. */
    void startReading() {
        client.config().setAutoRead(true);
        server.config().setAutoRead(true);
    }

    /** Applies the link's current toxics on this connection's event loop (callable from any thread). */
    io.netty.util.concurrent.Future<?> applyToxicsLater(List<Toxic> toxics) {
        return client.eventLoop().submit(() -> applyToxics(toxics));
    }

    /** Whether the calling thread is this connection's event loop. */
    boolean onEventLoop() {
        return client.eventLoop().inEventLoop();
    }

    /** Keeps the toxics that affect this connection (a draw per toxic from the link's seed) and applies them. */
    void applyToxics(List<Toxic> toxics) {
        if (closed) {
            return;
        }
        List<Toxic> up = new ArrayList<>();
        List<Toxic> down = new ArrayList<>();
        Map<String, Toxic> timed = new HashMap<>();
        for (Toxic t : toxics) {
            if (!affects(t)) {
                continue;
            }
            (t.stream() == LinkDirection.UPSTREAM ? up : down).add(t);
            if (t.type() == ToxicType.TIMEOUT && t.attribute("timeout") > 0) {
                timed.put(t.name(), t);
            }
        }
        timeouts.entrySet().removeIf(e -> {
            boolean stale = !e.getValue().toxic().equals(timed.get(e.getKey()));
            if (stale) {
                e.getValue().future().cancel(false);
            }
            return stale;
        });
        timed.forEach((name, t) -> timeouts.computeIfAbsent(name, n -> new Timer(t,
                client.eventLoop().schedule(this::close, t.attribute("timeout"), TimeUnit.MILLISECONDS))));
        upstream.toxics(List.copyOf(up));
        downstream.toxics(List.copyOf(down));
    }

    /** Whether {@code toxic} affects this connection: drawn from (seed, connection index, toxic name). */
    boolean affects(Toxic toxic) {
        if (toxic.toxicity() >= 1) {
            return true;
        }
        long draw = mix(seed ^ toxic.name().hashCode() * 0xC2B2AE3D27D4EB4FL, index);
        return new SplittableRandom(draw).nextDouble() < toxic.toxicity();
    }

    /** Closes both sides on the event loop (callable from any thread). */
    void closeLater() {
        client.eventLoop().execute(this::close);
    }

    /** Closes both sides with a FIN. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        timeouts.values().forEach(t -> t.future().cancel(false));
        timeouts.clear();
        client.close();
        server.close();
    }

    /** Closes both sides with a TCP RST (SO_LINGER 0), as reset_peer does. */
    void reset() {
        log.debug("link {}: connection {} reset by reset_peer", linkName, index);
        for (Channel c : List.of(client, server)) {
            if (c.isOpen()) {
                c.config().setOption(ChannelOption.SO_LINGER, 0);
            }
        }
        close();
    }

    private static long mix(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Hands what one side reads to the flow it feeds, and writability to the flow that writes to it. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Flow reading;
        private final Flow writing;

        Relay(Flow reading, Flow writing) {
            this.reading = reading;
            this.writing = writing;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            reading.onRead((ByteBuf) msg);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                writing.onTargetWritable();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            reading.onSourceClosed();
            writing.onTargetClosed();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("link connection {} failed: {}", ctx.channel(), cause.toString());
            ctx.close();
        }
    }
}
