package io.corral.wire;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client that writes exactly the bytes it is told to and reports every frame exactly as it arrived.
 * It validates nothing on purpose: the tests use it to send what no well-behaved client sends (unmasked frames,
 * bad opcodes, broken UTF-8) and to see the server's answer byte for byte.
 */
public final class WireClient implements Closeable {

    public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** The server's answer to the opening handshake. Header names are lower-cased. */
    public record HttpResponse(int status, String reason, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : String.join(", ", v);
        }
    }

    /** One frame as read off the wire. */
    public record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
        public static final int CONTINUATION = 0, TEXT = 1, BINARY = 2, CLOSE = 8, PING = 9, PONG = 10;

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code, or -1 when the close frame had an empty payload. */
        public int closeCode() {
            if (opcode != CLOSE) throw new IllegalStateException("not a close frame: " + this);
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
        }

        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }

        @Override
        public String toString() {
            String body = opcode == TEXT || opcode == CLOSE && payload.length >= 2
                    ? (opcode == CLOSE ? closeCode() + " " + closeReason() : text())
                    : payload.length + " bytes";
            return "Frame[op=" + opcode + " fin=" + fin + " rsv=" + rsv + " " + body + "]";
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private HttpResponse handshake;
    private String key;

    private WireClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new java.io.BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens a TCP connection and sends nothing. */
    public static WireClient connectRaw(String host, int port) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), 5000);
        s.setSoTimeout(10_000);
        return new WireClient(s);
    }

    /** Connects and performs a version 13 handshake for {@code path}; the response is in {@link #handshake()}. */
    public static WireClient connect(String host, int port, String path, String... extraHeaders) throws IOException {
        WireClient c = connectRaw(host, port);
        c.sendUpgrade(path, host + ":" + port, extraHeaders);
        c.handshake = c.readHttpResponse();
        return c;
    }

    /**
     * Performs a version 13 handshake over a socket that is already connected: a TLS socket made by the caller, say
     * ({@code wss://}); the response is in {@link #handshake()}.
     */
    public static WireClient connect(Socket connected, String hostHeader, String path, String... extraHeaders)
            throws IOException {
        connected.setSoTimeout(10_000);
        WireClient c = new WireClient(connected);
        c.sendUpgrade(path, hostHeader, extraHeaders);
        c.handshake = c.readHttpResponse();
        return c;
    }

    /** The socket under this client (for a TLS socket: its session, the negotiated protocol). */
    public Socket socket() {
        return socket;
    }

    public static String newKey() {
        byte[] k = new byte[16];
        ThreadLocalRandom.current().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    public static String acceptFor(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Connects and sends the upgrade request and {@code data} in one write, as a client that does not wait for the
     * 101 does (Cowboy 2.7+ processes such data); the response is in {@link #handshake()}.
     */
    public static WireClient connectWithData(String host, int port, String path, byte[] data, String... extraHeaders)
            throws IOException {
        WireClient c = connectRaw(host, port);
        byte[] req = c.upgradeRequest(path, host + ":" + port, extraHeaders);
        byte[] all = new byte[req.length + data.length];
        System.arraycopy(req, 0, all, 0, req.length);
        System.arraycopy(data, 0, all, req.length, data.length);
        c.sendRaw(all);
        c.handshake = c.readHttpResponse();
        return c;
    }

    /** Connects, sends {@code request} exactly as given (CRLFs included) and reads the HTTP response. */
    public static WireClient request(String host, int port, String request) throws IOException {
        WireClient c = connectRaw(host, port);
        c.sendRaw(request.getBytes(StandardCharsets.ISO_8859_1));
        c.handshake = c.readHttpResponse();
        return c;
    }

    /** The Sec-WebSocket-Key of the last upgrade request sent. */
    public String key() {
        return key;
    }

    /** Sends a standard upgrade request with a fresh key; extra headers are "Name: value" strings. */
    public void sendUpgrade(String path, String hostHeader, String... extraHeaders) throws IOException {
        sendRaw(upgradeRequest(path, hostHeader, extraHeaders));
    }

    private byte[] upgradeRequest(String path, String hostHeader, String... extraHeaders) {
        key = newKey();
        StringBuilder sb = new StringBuilder();
        sb.append("GET ").append(path).append(" HTTP/1.1\r\n");
        sb.append("Host: ").append(hostHeader).append("\r\n");
        sb.append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
        sb.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
        boolean versionGiven = false;
        for (String h : extraHeaders) versionGiven |= h.toLowerCase(Locale.ROOT).startsWith("sec-websocket-version:");
        if (!versionGiven) sb.append("Sec-WebSocket-Version: 13\r\n");
        for (String h : extraHeaders) sb.append(h).append("\r\n");
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    public HttpResponse handshake() {
        return handshake;
    }

    public void setReadTimeout(Duration d) throws IOException {
        socket.setSoTimeout((int) d.toMillis());
    }

    /** Reads a status line, headers and, when a content-length is given, the body. */
    public HttpResponse readHttpResponse() throws IOException {
        String status = readLine();
        if (status == null) throw new EOFException("connection closed before an HTTP response");
        String[] parts = status.split(" ", 3);
        int code = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line; (line = readLine()) != null && !line.isEmpty(); ) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        byte[] body = new byte[0];
        List<String> len = headers.get("content-length");
        if (len != null) body = in.readNBytes(Integer.parseInt(len.getFirst()));
        handshake = new HttpResponse(code, parts.length > 2 ? parts[2] : "", headers, body);
        return handshake;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] a = b.toByteArray();
                int n = a.length > 0 && a[a.length - 1] == '\r' ? a.length - 1 : a.length;
                return new String(a, 0, n, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Encodes one frame as a client does (masked unless told otherwise). */
    public static byte[] encode(boolean fin, int rsv, int opcode, byte[] payload, boolean mask) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + 14);
        b.write((fin ? 0x80 : 0) | (rsv & 7) << 4 | opcode & 0x0f);
        int m = mask ? 0x80 : 0;
        if (payload.length < 126) {
            b.write(m | payload.length);
        } else if (payload.length < 65536) {
            b.write(m | 126);
            b.write(payload.length >>> 8);
            b.write(payload.length);
        } else {
            b.write(m | 127);
            long l = payload.length;
            for (int i = 7; i >= 0; i--) b.write((int) (l >>> (8 * i)));
        }
        byte[] key = new byte[4];
        if (mask) {
            ThreadLocalRandom.current().nextBytes(key);
            b.writeBytes(key);
        }
        byte[] p = payload.clone();
        if (mask) for (int i = 0; i < p.length; i++) p[i] ^= key[i & 3];
        b.writeBytes(p);
        return b.toByteArray();
    }

    /**
     * Encodes a masked frame whose length uses the 16-bit ({@code lengthBytes} 2) or 64-bit ({@code lengthBytes} 8)
     * form whatever the payload size: a non-minimal length encoding, which RFC 6455 section 5.2 forbids.
     */
    public static byte[] encodeWithLengthForm(int opcode, byte[] payload, int lengthBytes) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + 14);
        b.write(0x80 | opcode & 0x0f);
        b.write(0x80 | (lengthBytes == 2 ? 126 : 127));
        for (int i = lengthBytes - 1; i >= 0; i--) b.write((int) ((long) payload.length >>> (8 * i)));
        byte[] key = new byte[4];
        ThreadLocalRandom.current().nextBytes(key);
        b.writeBytes(key);
        for (int i = 0; i < payload.length; i++) b.write(payload[i] ^ key[i & 3]);
        return b.toByteArray();
    }

    /** Sends already encoded frames in one write. */
    public void sendFrames(byte[]... frames) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] f : frames) b.writeBytes(f);
        sendRaw(b.toByteArray());
    }

    public void sendFrame(boolean fin, int rsv, int opcode, byte[] payload) throws IOException {
        sendRaw(encode(fin, rsv, opcode, payload, true));
    }

    public void sendText(String s) throws IOException {
        sendFrame(true, 0, Frame.TEXT, s.getBytes(StandardCharsets.UTF_8));
    }

    public void sendBinary(byte[] b) throws IOException {
        sendFrame(true, 0, Frame.BINARY, b);
    }

    public void sendPing(byte[] b) throws IOException {
        sendFrame(true, 0, Frame.PING, b);
    }

    public static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    public void sendClose(int code, String reason) throws IOException {
        sendFrame(true, 0, Frame.CLOSE, closePayload(code, reason));
    }

    /** Reads the next frame; throws {@link EOFException} when the server closed the TCP connection. */
    public Frame readFrame() throws IOException {
        int b0 = in.read();
        if (b0 < 0) throw new EOFException("server closed the connection");
        int b1 = readByte();
        long len = b1 & 0x7f;
        if (len == 126) len = (long) readByte() << 8 | readByte();
        else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) len = len << 8 | readByte();
        }
        byte[] key = null;
        if ((b1 & 0x80) != 0) key = in.readNBytes(4);
        byte[] payload = in.readNBytes((int) len);
        if (payload.length != len) throw new EOFException("server closed the connection inside a frame");
        if (key != null) for (int i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
        return new Frame((b0 & 0x80) != 0, (b0 >>> 4) & 7, b0 & 0x0f, payload);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) throw new EOFException("server closed the connection inside a frame header");
        return b;
    }

    /** Reads frames until a close frame and returns it, skipping others; throws on EOF or time-out. */
    public Frame readUntilClose() throws IOException {
        for (;;) {
            Frame f = readFrame();
            if (f.opcode() == Frame.CLOSE) return f;
        }
    }

    /** Half-closes TCP (shutdown(SHUT_WR)): the server sees the end of the input and may still write. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** True when the server closed the TCP connection (EOF or reset) within the read timeout. */
    public boolean isClosedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
