package cn.healthcard.hub.routes.mllp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * A blocking MLLP (release 2) client: one connection, one message at a time, each answered by an
 * acknowledgement frame. Frames are {@code <VT> payload <FS><CR>}; payloads are bytes, so the
 * caller chooses the character set.
 */
public final class MllpClient implements AutoCloseable {

  public static final byte START = 0x0b;
  public static final byte END = 0x1c;
  public static final byte CR = 0x0d;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public MllpClient(String host, int port, Duration timeout) throws IOException {
    this(javax.net.SocketFactory.getDefault(), host, port, timeout);
  }

  /** Over the sockets of {@code sockets}: an {@code SSLSocketFactory} for MLLP over TLS. */
  public MllpClient(javax.net.SocketFactory sockets, String host, int port, Duration timeout) throws IOException {
    socket = sockets.createSocket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout((int) timeout.toMillis());
    socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** Sends one framed message and waits for the framed reply. */
  public byte[] send(byte[] payload) throws IOException {
    byte[] frame = new byte[payload.length + 3];
    frame[0] = START;
    System.arraycopy(payload, 0, frame, 1, payload.length);
    frame[frame.length - 2] = END;
    frame[frame.length - 1] = CR;
    out.write(frame);
    out.flush();
    return readFrame();
  }

  /** Reads one frame; bytes before the start byte are skipped, as the protocol allows. */
  public byte[] readFrame() throws IOException {
    int b;
    do {
      b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed before a reply");
      }
    } while (b != START);
    ByteArrayOutputStream payload = new ByteArrayOutputStream(256);
    while (true) {
      b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed inside a frame");
      }
      if (b == END) {
        int next = in.read();
        if (next == CR || next < 0) {
          return payload.toByteArray();
        }
        payload.write(b);
        payload.write(next);
        continue;
      }
      payload.write(b);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
