package dev.rpcharness.consumer.internal.transport;

import dev.rpcharness.consumer.internal.call.RpcCall;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import java.util.ArrayList;
import java.util.List;

/**
 * The calls written on one channel and not yet ended, by request id. Ids count up from 1, so an id at or below the
 * last one given belongs to a call that was sent here (and may have ended), while any other id was never sent
 * here.
 *
 * <p>Threading: the channel's event loop only; no lock.
 */
final class PendingCalls {

    private final LongObjectMap<RpcCall> calls = new LongObjectHashMap<>();
    private long lastId;

    /** Gives {@code call} the next request id and holds it under that id; returns the id. */
    long add(RpcCall call) {
        long id = ++lastId;
        call.requestId(id);
        calls.put(key(id), call);
        return id;
    }

    /** Whether {@code id} was given to a call on this channel. */
    boolean wasSent(long id) {
        return id > 0 && id <= lastId;
    }

    /** The call held under {@code id}, or null. */
    RpcCall get(long id) {
        return calls.get(key(id));
    }

    /** Removes and returns the call held under {@code id}, or null. */
    RpcCall remove(long id) {
        return calls.remove(key(id));
    }

    /** Removes {@code call} if it is held under {@code id}; returns whether it was. */
    boolean remove(long id, RpcCall call) {
        if (id > 0 && calls.get(key(id)) == call) {
            calls.remove(key(id));
            return true;
        }
        return false;
    }

    int size() {
        return calls.size();
    }

    boolean isEmpty() {
        return calls.isEmpty();
    }

    /** Every call held, removed. */
    List<RpcCall> takeAll() {
        List<RpcCall> all = new ArrayList<>(calls.values());
        calls.clear();
        return all;
    }

    /**
     * The map's key for a request id. Ids count up by one, and Netty's map indexes by the key's low bits with
     * linear probing, so sequential keys fill runs of adjacent slots and every removal shifts the run back.
     * Multiplying by an odd constant (a bijection on longs) spreads them over the table.
     */
    private static long key(long id) {
        return id * 0x9E3779B97F4A7C15L;
    }

    /** A request id as sent (decimal digits, at most 18), or -1 for anything else. */
    static long parseId(String text) {
        if (text.isEmpty() || text.length() > 18) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
