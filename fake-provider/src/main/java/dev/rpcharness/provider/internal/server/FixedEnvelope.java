package dev.rpcharness.provider.internal.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Reads a call body of the wire contract's fixed shape by hand, with no JSON parser and no token objects:
 *
 * <pre>
 * {"requestId":"42","className":"com.example.HelloService","methodName":"hello",
 *  "parameterTypes":["java.lang.String"],"parameters":["world"]}
 * </pre>
 *
 * (on one line), with no white space, every string printable ASCII with no escape, and every argument such a
 * string or {@code null} for a parameter declared {@code String}. Anything else (another field order, white space,
 * escapes, bytes outside printable ASCII, an argument of another type, a count that does not match, a method that
 * is not served, bytes after the closing brace) gives null, and the caller reads the body with the full parser:
 * for the fixed shape both give the same call, so the decisions are the same.
 *
 * <p>The part that names the method ({@code className}, {@code methodName}, {@code parameterTypes}) is the same
 * bytes call after call: it is looked up in a small cache of recent ones (64 slots by hash), so a repeated one
 * costs a byte comparison and makes no new strings or lists. The names of the last body read are compared first,
 * with no walk over the bytes and no hash.
 *
 * <p>Thread-safe: the cache holds immutable entries, each slot replaced whole (a lost race costs one miss).
 */
final class FixedEnvelope {

    private static final byte[] HEAD = ascii("{\"requestId\":\"");
    private static final byte[] CLASS = ascii("\",\"className\":\"");
    private static final byte[] METHOD = ascii("\",\"methodName\":\"");
    private static final byte[] TYPES = ascii("\",\"parameterTypes\":[");
    private static final byte[] PARAMETERS = ascii(",\"parameters\":[");
    private static final byte[] NULL = ascii("null");
    private static final int CACHE_SLOTS = 64; // a power of two

    private final AtomicReferenceArray<Names> cache = new AtomicReferenceArray<>(CACHE_SLOTS);
    /**
     * The names the last body read spelled, tried first (calls of one method often come in runs). Written by any
     * event loop without ordering: an immutable entry, so a reader sees a whole one or an older one.
     */
    private Names last;
    private final ServiceTable services;
    private final Supplier<String> providerName;

    /** The names of one method as a body spells them; {@code key} is their bytes, from {@code ","className"}. */
    private record Names(byte[] key, int hash, String className, String methodName, List<String> types) {
    }

    FixedEnvelope(ServiceTable services, Supplier<String> providerName) {
        this.services = services;
        this.providerName = providerName;
    }

    /**
     * The call in {@code b[off, off + len)}, or null when the body is not of the fixed shape (read it in full).
     *
     * @param bodyIdNeeded whether the body's {@code requestId} is kept (else only checked)
     */
    DecodedCall decode(byte[] b, int off, int len, boolean bodyIdNeeded) {
        int end = off + len;
        int p = expect(b, off, end, HEAD);
        int idEnd = plainString(b, p, end);
        if (idEnd < 0) {
            return null;
        }
        String requestId = bodyIdNeeded ? latin1(b, p, idEnd) : null;
        int keyStart = idEnd;
        Names names = last;
        int paramsAt = names == null ? -1 : sameNamesEnd(b, keyStart, end, names);
        if (paramsAt < 0) {
            paramsAt = namesEnd(b, keyStart, end);
            if (paramsAt < 0) {
                return null;
            }
            names = names(b, keyStart, paramsAt);
            last = names;
        }
        ServiceTable.Binding binding;
        try {
            binding = services.bind(names.className, names.methodName, names.types, providerName);
        } catch (ServiceTable.UnknownTargetException e) {
            return null; // the full parser also checks the rest of the body before the answer says so
        }
        Object[] args = arguments(b, paramsAt + PARAMETERS.length, end, binding);
        if (args == null) {
            return null;
        }
        return new DecodedCall(requestId, names.className, names.methodName, names.types, binding, null, args, null);
    }

    /**
     * Where {@code ,"parameters":[} starts when the bytes at {@code p} spell exactly {@code names} (checked when
     * they were read) followed by it, or -1: one vectorized comparison instead of a walk and a hash.
     */
    private static int sameNamesEnd(byte[] b, int p, int end, Names names) {
        int to = p + names.key.length;
        if (to > end || !Arrays.equals(b, p, to, names.key, 0, names.key.length)) {
            return -1;
        }
        return expect(b, to, end, PARAMETERS) < 0 ? -1 : to;
    }

    /** Where {@code ,"parameters":[} starts after the method's names beginning at {@code p}, or -1. */
    private static int namesEnd(byte[] b, int p, int end) {
        p = expect(b, p, end, CLASS);
        p = plainString(b, p, end);
        p = expect(b, p, end, METHOD);
        p = plainString(b, p, end);
        p = expect(b, p, end, TYPES);
        if (p < 0 || p >= end) {
            return -1;
        }
        if (b[p] != ']') {
            while (true) {
                if (p >= end || b[p] != '"') {
                    return -1;
                }
                p = plainString(b, p + 1, end);
                if (p < 0 || p + 1 >= end) {
                    return -1;
                }
                p++; // past the closing quote
                if (b[p] == ']') {
                    break;
                }
                if (b[p] != ',') {
                    return -1;
                }
                p++;
            }
        }
        p++; // past ']'
        return expect(b, p, end, PARAMETERS) < 0 ? -1 : p;
    }

    /** The names spelled by {@code b[from, to)}: from the cache when the same bytes were seen lately. */
    private Names names(byte[] b, int from, int to) {
        int hash = 1;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + b[i];
        }
        int slot = (hash ^ (hash >>> 16)) & (CACHE_SLOTS - 1);
        Names cached = cache.get(slot);
        if (cached != null && cached.hash == hash && Arrays.equals(cached.key, 0, cached.key.length, b, from, to)) {
            return cached;
        }
        Names read = read(b, from, to, hash);
        cache.set(slot, read);
        return read;
    }

    /** Reads the names from bytes {@link #namesEnd} has checked. */
    private static Names read(byte[] b, int from, int to, int hash) {
        int p = from + CLASS.length;
        int q = plainString(b, p, to);
        String className = latin1(b, p, q);
        p = q + METHOD.length;
        q = plainString(b, p, to);
        String methodName = latin1(b, p, q);
        p = q + TYPES.length;
        List<String> types = new ArrayList<>(2);
        while (b[p] == '"') {
            q = plainString(b, p + 1, to);
            types.add(latin1(b, p + 1, q));
            p = q + 1;
            if (b[p] == ',') {
                p++;
            }
        }
        return new Names(Arrays.copyOfRange(b, from, to), hash, className, methodName, List.copyOf(types));
    }

    /** The arguments of the array starting at {@code p} up to the body's closing {@code ]}}, or null. */
    private static Object[] arguments(byte[] b, int p, int end, ServiceTable.Binding binding) {
        int arity = binding.arity();
        Object[] args = new Object[arity];
        for (int i = 0; i < arity; i++) {
            if (!binding.isString(i)) {
                return null;
            }
            if (i > 0) {
                if (p >= end || b[p] != ',') {
                    return null;
                }
                p++;
            }
            if (p < end && b[p] == '"') {
                int close = plainString(b, p + 1, end);
                if (close < 0) {
                    return null;
                }
                args[i] = latin1(b, p + 1, close);
                p = close + 1;
            } else {
                p = expect(b, p, end, NULL);
                if (p < 0) {
                    return null;
                }
            }
        }
        return p == end - 2 && b[p] == ']' && b[p + 1] == '}' ? args : null;
    }

    /**
     * From {@code p}, just inside a string's opening quote: the index of its closing quote when every byte before
     * it is printable ASCII and none is a backslash, else -1. A negative {@code p} gives -1.
     */
    private static int plainString(byte[] b, int p, int end) {
        if (p < 0) {
            return -1;
        }
        for (int i = p; i < end; i++) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c < 0x20 || c > 0x7e || c == '\\') {
                return -1;
            }
        }
        return -1;
    }

    /** The index after {@code literal} when {@code b} holds it at {@code p}, else -1. */
    private static int expect(byte[] b, int p, int end, byte[] literal) {
        if (p < 0 || end - p < literal.length
                || !Arrays.equals(b, p, p + literal.length, literal, 0, literal.length)) {
            return -1;
        }
        return p + literal.length;
    }

    private static String latin1(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
