package dev.rpcharness.link;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A blocking TCP server on 127.0.0.1 for the link tests: each accepted connection is handed to a
 * {@link Session} on its own thread. Closing it closes the listening socket and every accepted socket.
 */
final class LoopbackServer implements AutoCloseable {

    /** What the server does with one accepted connection. */
    interface Session {
        void run(Socket socket, InputStream in, OutputStream out) throws IOException;
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    LoopbackServer(Session session) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    s.setTcpNoDelay(true);
                    accepted.add(s);
                    threads.execute(() -> {
                        try (s) {
                            session.run(s, s.getInputStream(), s.getOutputStream());
                        } catch (IOException ignored) {
                            // the peer went away; the tests assert on the client side
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** Echoes every byte back. */
    static LoopbackServer echo() throws IOException {
        return new LoopbackServer((s, in, out) -> {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
        });
    }

    /** Sends {@code payload} as soon as a connection is accepted, then waits for the client to close. */
    static LoopbackServer sending(byte[] payload) throws IOException {
        return new LoopbackServer((s, in, out) -> {
            out.write(payload);
            out.flush();
            while (in.read() >= 0) {
                // hold the connection open until the client closes it
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
        threads.shutdownNow();
    }
}
