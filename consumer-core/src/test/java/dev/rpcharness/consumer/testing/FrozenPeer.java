package dev.rpcharness.consumer.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A provider frozen solid: it accepts connections on loopback and never reads a byte nor answers, like a process
 * stopped by SIGSTOP once its TCP windows are full. {@link #thaw()} starts reading (and discarding) what arrives,
 * counting the bytes. Threading: one accept thread, one reader thread per connection after the thaw.
 * Lifecycle: {@link #close()} closes the server and every connection.
 */
public final class FrozenPeer implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong bytesAfterThaw = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean thawed;

    public FrozenPeer() throws IOException {
        server = new ServerSocket();
        server.setReceiveBufferSize(64 * 1024);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        acceptor = new Thread(this::acceptLoop, "frozen-peer-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                if (thawed) {
                    read(s);
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Connections accepted so far. */
    public int connections() {
        return sockets.size();
    }

    /** Starts reading and discarding everything the connections carry. */
    public synchronized void thaw() {
        if (!thawed) {
            thawed = true;
            sockets.forEach(this::read);
        }
    }

    /** Bytes read since {@link #thaw()}. */
    public long bytesAfterThaw() {
        return bytesAfterThaw.get();
    }

    private void read(Socket s) {
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = s.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    bytesAfterThaw.addAndGet(n);
                }
            } catch (IOException closed) {
                // done
            }
        }, "frozen-peer-reader");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
