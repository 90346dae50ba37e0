package dev.rpcharness.provider.internal.server;

import java.util.concurrent.TimeUnit;

/**
 * The numbers a call's optional headers carry ({@code X-Rpc-Timeout-Ms}, {@code X-Rpc-Call-Seq},
 * {@code X-Rpc-Deadline-Ms}), read the same way from a header string (Netty's decoder) and from the request's bytes
 * (the fast path, {@link CallRequestDecoder}): what {@link Long#parseLong} takes of the trimmed value when it is
 * positive, else 0 (absent, empty, not a number, zero, negative or past {@code Long.MAX_VALUE}). Stateless; any
 * thread.
 */
final class CallHeaders {

    private CallHeaders() {
    }

    /** The header's positive number, or 0. */
    static long positiveDecimal(String header) {
        if (header == null) {
            return 0L;
        }
        try {
            long value = Long.parseLong(header.trim());
            return value > 0 ? value : 0L;
        } catch (NumberFormatException e) {
            return 0L;
        }
    }

    /**
     * The positive number in {@code a[from, to)} (a value without surrounding blanks), or 0: exactly what
     * {@link #positiveDecimal(String)} gives for the same ASCII characters, without making a string. An optional
     * sign, then at least one digit and nothing else; a value past {@code Long.MAX_VALUE} is not a number.
     */
    static long positiveDecimal(byte[] a, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && (a[i] == '+' || a[i] == '-')) {
            negative = a[i] == '-';
            i++;
        }
        if (i == to) {
            return 0L;
        }
        long value = 0;
        for (; i < to; i++) {
            int digit = a[i] - '0';
            if (digit < 0 || digit > 9) {
                return 0L;
            }
            if (value > (Long.MAX_VALUE - digit) / 10) {
                return 0L; // past Long.MAX_VALUE: not a number for Long.parseLong either (or a negative one)
            }
            value = value * 10 + digit;
        }
        return negative ? 0L : value;
    }

    /** A timeout header's milliseconds as a budget in nanoseconds (saturated); 0 for none. */
    static long budgetNanos(long millis) {
        return millis > 0 ? TimeUnit.MILLISECONDS.toNanos(millis) : 0L;
    }
}
