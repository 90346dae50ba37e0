package dev.rpcharness.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One direction of one proxied connection: the bytes read from {@code source}, queued, shaped by the toxics of
 * this direction, and written to {@code target}.
 *
 * <p>Threading: confined to the connection's event loop; every method runs there. The toxics are applied in one
 * sequential pass per chunk, so a toxic added, changed or removed acts on the data still queued.
 *
 * <p>Backpressure: reading from {@code source} stops while more than {@link #HIGH_WATER} bytes are queued or
 * {@code target} is not writable, and resumes when both clear. Every queued buffer is released when written,
 * dropped by a toxic, or when either side closes.
 */
final class Flow {

    /** Queued bytes above which the source is no longer read. */
    static final int HIGH_WATER = 64 * 1024;

    private final LinkConnection connection;
    private final LinkDirection direction;
    private final Channel source;
    private final Channel target;
    private final SplittableRandom random;
    private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
    private final AtomicLong held;
    private List<Toxic> toxics = List.of();
    private long queuedBytes;
    private long passedBytes;
    private long nextSendNanos;
    private ScheduledFuture<?> wakeUp;
    private ScheduledFuture<?> reset;
    private boolean sourceClosed;
    private boolean targetClosed;
    private boolean closing;

    /** @param held the link's count of bytes queued in all its flows, kept up to date by this one */
    Flow(LinkConnection connection, LinkDirection direction, Channel source, Channel target, SplittableRandom random,
         AtomicLong held) {
        this.connection = connection;
        this.held = held;
        this.direction = direction;
        this.source = source;
        this.target = target;
        this.random = random;
    }

    LinkDirection direction() {
        return direction;
    }

    /** Replaces this direction's toxics (those that affect this connection) and reshapes what is queued. */
    void toxics(List<Toxic> affecting) {
        toxics = affecting;
        if (find(ToxicType.RESET_PEER) == null && reset != null) {
            reset.cancel(false);
            reset = null;
        }
        cancelWakeUp();
        drain();
    }

    /** Takes ownership of {@code data}, read from the source. */
    void onRead(ByteBuf data) {
        if (targetClosed || closing) {
            data.release();
            return;
        }
        Toxic resetPeer = find(ToxicType.RESET_PEER);
        if (resetPeer != null) {
            data.release(); // as in Toxiproxy, what arrives after reset_peer applies never reaches the peer
            if (reset == null) {
                reset = source.eventLoop().schedule(connection::reset, resetPeer.attribute("timeout"),
                        TimeUnit.MILLISECONDS);
            }
            return;
        }
        queue.add(new Chunk(data, System.nanoTime()));
        queuedBytes += data.readableBytes();
        held.addAndGet(data.readableBytes());
        drain();
    }

    /** The target became writable again. */
    void onTargetWritable() {
        drain();
    }

    /** The source closed: flush what may pass, then close the target, after slow_close's delay if present. */
    void onSourceClosed() {
        sourceClosed = true;
        drain();
    }

    /** The target closed: nothing more can be written; drop what is queued. */
    void onTargetClosed() {
        targetClosed = true;
        cancelWakeUp();
        if (reset != null) {
            reset.cancel(false);
        }
        releaseQueue();
    }

    private void drain() {
        if (targetClosed || closing || wakeUp != null) {
            return;
        }
        boolean wrote = false;
        while (!queue.isEmpty() && target.isWritable()) {
            if (find(ToxicType.TIMEOUT) != null) {
                break; // held while the timeout toxic is present; its timer (if any) closes the connection
            }
            Chunk chunk = queue.peek();
            long now = System.nanoTime();
            long due = Math.max(chunk.arrivalNanos + latencyNanos(chunk), nextSendNanos);
            if (now < due) {
                schedule(due - now);
                break;
            }
            int size = pieceSize(chunk.data.readableBytes());
            Toxic limit = find(ToxicType.LIMIT_DATA);
            if (limit != null) {
                long left = limit.attribute("bytes") - passedBytes;
                if (left <= 0) {
                    closeAfterFlush();
                    break;
                }
                size = (int) Math.min(size, left);
            }
            ByteBuf piece = chunk.data.readRetainedSlice(size);
            if (!chunk.data.isReadable()) {
                queue.poll();
                chunk.data.release();
            }
            queuedBytes -= size;
            held.addAndGet(-size);
            passedBytes += size;
            target.write(piece);
            wrote = true;
            nextSendNanos = Math.max(now, nextSendNanos) + gapNanos(size);
            if (limit != null && passedBytes >= limit.attribute("bytes")) {
                closeAfterFlush();
                break;
            }
        }
        if (wrote) {
            target.flush();
        }
        if (sourceClosed && !closing && (queue.isEmpty() || find(ToxicType.TIMEOUT) != null)) {
            closeAfterSlowClose();
        }
        updateAutoRead();
    }

    private long latencyNanos(Chunk chunk) {
        Toxic latency = find(ToxicType.LATENCY);
        if (latency == null) {
            return 0;
        }
        long jitter = latency.attribute("jitter");
        if (chunk.jitterMillis == Long.MIN_VALUE) {
            chunk.jitterMillis = jitter == 0 ? 0 : random.nextLong(-jitter, jitter + 1);
        }
        long millis = Math.max(0, latency.attribute("latency") + Math.max(-jitter, Math.min(jitter, chunk.jitterMillis)));
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private int pieceSize(int readable) {
        int size = readable;
        Toxic slicer = find(ToxicType.SLICER);
        if (slicer != null) {
            long average = slicer.attribute("average_size");
            long variation = Math.min(slicer.attribute("size_variation"), average - 1);
            long drawn = variation == 0 ? average : random.nextLong(average - variation, average + variation + 1);
            size = (int) Math.min(size, Math.max(1, drawn));
        }
        Toxic bandwidth = find(ToxicType.BANDWIDTH);
        if (bandwidth != null) {
            long tenthOfASecond = bandwidth.attribute("rate") * 100; // rate is in KB (1000 bytes) per second
            size = (int) Math.min(size, Math.max(1, tenthOfASecond));
        }
        return size;
    }

    private long gapNanos(int size) {
        long gap = 0;
        Toxic bandwidth = find(ToxicType.BANDWIDTH);
        if (bandwidth != null) {
            gap += size * 1_000_000L / bandwidth.attribute("rate"); // 1000 bytes/s per rate unit
        }
        Toxic slicer = find(ToxicType.SLICER);
        if (slicer != null) {
            gap += TimeUnit.MICROSECONDS.toNanos(slicer.attribute("delay"));
        }
        return gap;
    }

    private void closeAfterFlush() {
        closing = true;
        releaseQueue();
        target.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> connection.close());
    }

    private void closeAfterSlowClose() {
        closing = true;
        releaseQueue();
        Toxic slowClose = find(ToxicType.SLOW_CLOSE);
        long delay = slowClose == null ? 0 : slowClose.attribute("delay");
        target.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (delay == 0) {
                connection.close();
            } else {
                target.eventLoop().schedule(connection::close, delay, TimeUnit.MILLISECONDS);
            }
        });
    }

    private void updateAutoRead() {
        boolean read = !sourceClosed && !closing && queuedBytes < HIGH_WATER && target.isWritable();
        if (source.config().isAutoRead() != read) {
            source.config().setAutoRead(read);
        }
    }

    private void schedule(long delayNanos) {
        wakeUp = target.eventLoop().schedule(() -> {
            wakeUp = null;
            drain();
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void cancelWakeUp() {
        if (wakeUp != null) {
            wakeUp.cancel(false);
            wakeUp = null;
        }
    }

    private void releaseQueue() {
        for (Chunk chunk; (chunk = queue.poll()) != null; ) {
            chunk.data.release();
        }
        held.addAndGet(-queuedBytes);
        queuedBytes = 0;
    }

    private Toxic find(ToxicType type) {
        for (Toxic t : toxics) {
            if (t.type() == type) {
                return t;
            }
        }
        return null;
    }

    /** Bytes read at one instant; {@code jitterMillis} is drawn once, when the chunk first reaches the head. */
    private static final class Chunk {
        final ByteBuf data;
        final long arrivalNanos;
        long jitterMillis = Long.MIN_VALUE;

        Chunk(ByteBuf data, long arrivalNanos) {
            this.data = data;
            this.arrivalNanos = arrivalNanos;
        }
    }
}
