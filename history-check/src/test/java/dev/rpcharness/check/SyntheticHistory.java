package dev.rpcharness.check;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;

/**
 * Writes a large call history straight into a file, in the recorder's format and event order, without a network:
 * one call every {@link #STEP_NANOS}, each written to provider {@code seq % 4} and answered {@link #IN_FLIGHT}
 * calls later (so events of many calls interleave), with some rejected before a write, some timed out a full call
 * timeout later, calls to p1 lost while the timeline shows it crashed (and flagged), and every millionth call ended
 * twice (a broken client). It counts what a correct checker must find. Not thread-safe.
 */
final class SyntheticHistory {

    static final long ORIGIN = 1_000_000_000_000L;
    static final String CLIENT_ID = "c0-5eed";
    static final long STEP_NANOS = 10_000;
    static final int IN_FLIGHT = 256;
    static final long TIMEOUT_MS = 1000;
    static final String[] PROVIDERS = {"127.0.0.1:40000", "127.0.0.1:40001", "127.0.0.1:40002", "127.0.0.1:40003"};
    /** p1 is down (crashed) from here ... */
    static final long CRASH_AT = ORIGIN + 30_000_000_000L;
    /** ... until here. */
    static final long RESTART_AT = ORIGIN + 30_500_000_000L;

    long ok;
    long fail;
    long info;
    long flagged;
    long doubleEnds;

    private final byte[] buf = new byte[1 << 20];
    private int len;
    private FileChannel out;

    /** Writes {@code calls} calls into {@code file} (replacing it) and counts what the checker must find. */
    void write(Path file, long calls) throws IOException {
        byte[][] providers = new byte[PROVIDERS.length][];
        for (int i = 0; i < providers.length; i++) {
            providers[i] = PROVIDERS[i].getBytes(StandardCharsets.US_ASCII);
        }
        ArrayDeque<long[]> timeouts = new ArrayDeque<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out = ch;
            ascii("{\"e\":\"history\",\"callTimeoutMs\":" + TIMEOUT_MS + ",\"originNanos\":" + ORIGIN
                    + ",\"wallTime\":\"2026-01-01T00:00:00Z\",\"description\":\"synthetic client\"}\n");
            ascii("{\"e\":\"client\",\"clientId\":\"" + CLIENT_ID + "\"}\n");
            for (long seq = 1; seq <= calls + IN_FLIGHT; seq++) {
                long t = ORIGIN + seq * STEP_NANOS;
                while (!timeouts.isEmpty() && timeouts.peekFirst()[1] <= t) {
                    long[] due = timeouts.pollFirst();
                    end(due[0], due[1], "dev.rpcharness.consumer.RpcTimeoutException");
                    info++;
                }
                if (seq <= calls) {
                    start(seq, t);
                    if (seq % 500 == 7) {
                        end(seq, t + 1_000, "dev.rpcharness.consumer.NoProviderException");
                        fail++;
                    } else {
                        int p = (int) (seq % PROVIDERS.length);
                        long written = t + 1_000;
                        write(seq, written, providers[p]);
                        if (p == 1 && written >= CRASH_AT && written < RESTART_AT) {
                            flagged++;
                        }
                        if (seq % 1000 == 3) {
                            timeouts.addLast(new long[] {seq, t + TIMEOUT_MS * 1_000_000L + 500_000});
                        }
                    }
                }
                long ending = seq - IN_FLIGHT;
                if (ending >= 1 && ending % 500 != 7 && ending % 1000 != 3) {
                    endAnswered(ending, t + 2_000);
                }
            }
            while (!timeouts.isEmpty()) {
                long[] due = timeouts.pollFirst();
                end(due[0], due[1], "dev.rpcharness.consumer.RpcTimeoutException");
                info++;
            }
            ascii("{\"e\":\"closed\",\"t\":" + (ORIGIN + (calls + 2 * IN_FLIGHT) * STEP_NANOS) + ",\"lost\":0}\n");
            flush();
        }
    }

    private void endAnswered(long seq, long t) throws IOException {
        long written = ORIGIN + seq * STEP_NANOS + 1_000;
        if (seq % PROVIDERS.length == 1 && written >= CRASH_AT && written < RESTART_AT) {
            end(seq, t, "dev.rpcharness.consumer.ConnectionLostException");
            info++;
            return;
        }
        end(seq, t, null);
        ok++;
        if (seq % 1_000_000 == 0) {
            end(seq, t + 1, null);
            doubleEnds++;
        }
    }

    private void start(long seq, long t) throws IOException {
        ascii("{\"e\":\"start\",\"seq\":");
        number(seq);
        ascii(",\"t\":");
        number(t);
        ascii(",\"method\":\"EchoService#echo\"}\n");
    }

    private void write(long seq, long t, byte[] provider) throws IOException {
        ascii("{\"e\":\"write\",\"seq\":");
        number(seq);
        ascii(",\"t\":");
        number(t);
        ascii(",\"provider\":\"");
        room(provider.length);
        System.arraycopy(provider, 0, buf, len, provider.length);
        len += provider.length;
        ascii("\",\"port\":");
        number(50_000 + seq % 8);
        ascii(",\"id\":");
        number(seq);
        ascii("}\n");
    }

    private void end(long seq, long t, String error) throws IOException {
        ascii("{\"e\":\"end\",\"seq\":");
        number(seq);
        ascii(",\"t\":");
        number(t);
        if (error != null) {
            ascii(",\"error\":\"");
            ascii(error);
            ascii("\"");
        }
        ascii("}\n");
    }

    private void ascii(String s) throws IOException {
        room(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void number(long v) throws IOException {
        room(20);
        if (v == 0) {
            buf[len++] = '0';
            return;
        }
        int digits = 0;
        for (long x = v; x > 0; x /= 10) {
            digits++;
        }
        for (int i = len + digits - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        len += digits;
    }

    private void room(int n) throws IOException {
        if (len + n > buf.length) {
            flush();
        }
    }

    private void flush() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
        while (b.hasRemaining()) {
            out.write(b);
        }
        len = 0;
    }
}
