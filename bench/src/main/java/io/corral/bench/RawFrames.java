package io.corral.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * The load tools' WebSocket wire work, done by hand (RFC 6455 section 5.2) so that a client message costs a slice of
 * a buffer built once and a few comparisons per echo, not a frame object, a masking pass and a decoder per message.
 * netty-codec-http's client codec costs about as much per message as a Netty echo server does, so a client built
 * on it set the pace of the benchmark it was meant to drive; the tools still use Netty's client handshake
 * ({@link LoadTool}) or check the same things it checks ({@link HandshakeTool}).
 *
 * <p>Client frames are pre-encoded with one fixed mask key. RFC 6455 section 5.3 wants an unpredictable key per
 * frame so that a browser's script cannot steer the bytes an intermediary sees; a load tool on loopback sends only
 * its own fixed payload, and the server unmasks whatever key it gets, so one key does the server the same work.
 */
final class RawFrames {

    static final int OP_CONTINUATION = 0x0, OP_TEXT = 0x1, OP_BINARY = 0x2, OP_CLOSE = 0x8, OP_PING = 0x9,
            OP_PONG = 0xA;

    /** The fixed mask key of every client frame (see the class comment). */
    static final byte[] MASK_KEY = {(byte) 0x5a, (byte) 0xc3, (byte) 0x17, (byte) 0x8e};

    /**
     * The fixed Sec-WebSocket-Key of {@link HandshakeTool}'s upgrades: RFC 6455 section 1.3's example nonce, so the
     * accept it must earn is the RFC's example too. Section 4.1 asks for a fresh random key per connection; the
     * server computes the same SHA-1 whatever the key, and one known key lets the tool check the answer without
     * hashing per connection.
     */
    static final String FIXED_KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private RawFrames() {}

    /** One client frame, FIN set, masked with {@link #MASK_KEY}: header, key, masked payload. */
    static byte[] clientFrame(int opcode, byte[] payload) {
        int n = payload.length;
        int lengthBytes = n < 126 ? 0 : n <= 0xFFFF ? 2 : 8;
        byte[] f = new byte[2 + lengthBytes + 4 + n];
        f[0] = (byte) (0x80 | opcode);
        int i = 2;
        if (lengthBytes == 0) {
            f[1] = (byte) (0x80 | n);
        } else if (lengthBytes == 2) {
            f[1] = (byte) (0x80 | 126);
            f[i++] = (byte) (n >>> 8);
            f[i++] = (byte) n;
        } else {
            f[1] = (byte) (0x80 | 127);
            for (int s = 56; s >= 0; s -= 8) f[i++] = (byte) ((long) n >>> s);
        }
        System.arraycopy(MASK_KEY, 0, f, i, 4);
        i += 4;
        for (int k = 0; k < n; k++) f[i + k] = (byte) (payload[k] ^ MASK_KEY[k & 3]);
        return f;
    }

    /** A masked close frame with a status code and a short reason. */
    static byte[] clientClose(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return clientFrame(OP_CLOSE, p);
    }

    /**
     * {@code count} copies of one frame back to back in one direct buffer that cannot be released: every connection
     * writes slices of it ({@code slice(0, k * frame.length)} for k frames), which Netty's release after the write
     * leaves alone, and nothing ever writes into it.
     */
    static ByteBuf repeated(byte[] frame, int count) {
        ByteBuf b = Unpooled.directBuffer(frame.length * count);
        for (int i = 0; i < count; i++) b.writeBytes(frame);
        return Unpooled.unreleasableBuffer(b);
    }

    /** The Sec-WebSocket-Accept a server must answer to {@code key} (RFC 6455 section 4.2.2, step 5.4). */
    static String acceptFor(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is a required JDK algorithm", e);
        }
    }

    /** The upgrade request of {@link HandshakeTool}, with {@link #FIXED_KEY}. */
    static byte[] upgradeRequest(String hostHeader, String pathAndQuery) {
        return ("GET " + pathAndQuery + " HTTP/1.1\r\n"
                + "Host: " + hostHeader + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + FIXED_KEY + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * What is wrong with an upgrade response head (status line and headers, without the blank line), or null when
     * it is a 101 that accepts the upgrade: the checks of Netty's client handshaker (RFC 6455 section 4.1, the
     * client's checks 1-4: the status, {@code Upgrade: websocket}, {@code Connection} naming upgrade, the accept).
     */
    static String checkUpgradeResponse(String head, String expectedAccept) {
        int eol = head.indexOf("\r\n");
        String status = eol < 0 ? head : head.substring(0, eol);
        if (!status.startsWith("HTTP/1.1 101")) return "not a 101: " + status;
        String upgrade = null, connection = null, accept = null;
        int at = eol < 0 ? head.length() : eol + 2;
        while (at < head.length()) {
            int end = head.indexOf("\r\n", at);
            if (end < 0) end = head.length();
            int colon = head.indexOf(':', at);
            if (colon > at && colon < end) {
                String name = head.substring(at, colon).trim().toLowerCase(Locale.ROOT);
                String value = head.substring(colon + 1, end).trim();
                switch (name) {
                    case "upgrade" -> upgrade = value;
                    case "connection" -> connection = value;
                    case "sec-websocket-accept" -> accept = value;
                    default -> { }
                }
            }
            at = end + 2;
        }
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) return "Upgrade: " + upgrade;
        if (connection == null || !connection.toLowerCase(Locale.ROOT).contains("upgrade")) {
            return "Connection: " + connection;
        }
        if (!expectedAccept.equals(accept)) return "Sec-WebSocket-Accept " + accept + ", expected " + expectedAccept;
        return null;
    }

    /**
     * A streaming parser of server frames: fed the bytes as they arrive, it reads each header (even when a read
     * splits it), skips the payload without copying it, and stops at each frame's end so the caller can look at
     * the frame's {@link #opcode()}, {@link #fin()} and {@link #length()}. A server frame that is masked, has an RSV
     * bit set (no extension is negotiated) or a 64-bit length above 2^63 - 1 is a protocol error. Of a close frame
     * it keeps the status code ({@link #closeCode()}), the one payload the tools look at.
     */
    static final class Parser {
        /** {@link #next} result: the bytes given ran out before a frame's end. */
        static final int NEED_MORE = 0;
        /** {@link #next} result: a frame ended; its header is in opcode(), fin(), length(). */
        static final int FRAME = 1;
        /** {@link #next} result: the stream is not a server's WebSocket frames; {@link #error()} says why. */
        static final int ERROR = 2;

        // Where in the frame the parser is: header byte 0, byte 1, extended length bytes, payload.
        private static final int S_B0 = 0, S_B1 = 1, S_LEN = 2, S_PAYLOAD = 3, S_BROKEN = 4;

        private int state = S_B0;
        private int opcode;
        private boolean fin;
        private long length;
        private int lengthBytesLeft;
        private long payloadLeft;
        private int closeCode;
        private String error;

        /**
         * Reads from {@code in} up to the end of the next frame (FRAME) or of the readable bytes (NEED_MORE); the
         * reader index moves past what was read. After ERROR every call returns ERROR.
         */
        int next(ByteBuf in) {
            while (true) {
                switch (state) {
                    case S_B0 -> {
                        if (!in.isReadable()) return NEED_MORE;
                        int b = in.readUnsignedByte();
                        if ((b & 0x70) != 0) return broken("RSV bits set: 0x" + Integer.toHexString(b));
                        fin = (b & 0x80) != 0;
                        opcode = b & 0x0F;
                        closeCode = 0;
                        state = S_B1;
                    }
                    case S_B1 -> {
                        if (!in.isReadable()) return NEED_MORE;
                        int b = in.readUnsignedByte();
                        if ((b & 0x80) != 0) return broken("a masked frame from the server");
                        int len = b & 0x7F;
                        if (len < 126) {
                            length = len;
                            startPayload();
                        } else {
                            length = 0;
                            lengthBytesLeft = len == 126 ? 2 : 8;
                            state = S_LEN;
                        }
                    }
                    case S_LEN -> {
                        while (lengthBytesLeft > 0) {
                            if (!in.isReadable()) return NEED_MORE;
                            length = (length << 8) | in.readUnsignedByte();
                            lengthBytesLeft--;
                        }
                        if (length < 0) return broken("a 64-bit length with its top bit set");
                        startPayload();
                    }
                    case S_PAYLOAD -> {
                        if (payloadLeft > 0) {
                            if (opcode == OP_CLOSE && length - payloadLeft < 2) {
                                // The status code: the first two payload bytes, which a read may split.
                                if (!in.isReadable()) return NEED_MORE;
                                closeCode = (closeCode << 8) | in.readUnsignedByte();
                                payloadLeft--;
                                continue;
                            }
                            int skip = (int) Math.min(payloadLeft, in.readableBytes());
                            in.skipBytes(skip);
                            payloadLeft -= skip;
                            if (payloadLeft > 0) return NEED_MORE;
                        }
                        state = S_B0;
                        return FRAME;
                    }
                    default -> {
                        return ERROR;
                    }
                }
            }
        }

        private void startPayload() {
            payloadLeft = length;
            state = S_PAYLOAD;
        }

        private int broken(String why) {
            error = why;
            state = S_BROKEN;
            return ERROR;
        }

        /** The opcode of the frame that ended last. */
        int opcode() {
            return opcode;
        }

        boolean fin() {
            return fin;
        }

        /** The payload length of the frame that ended last. */
        long length() {
            return length;
        }

        /** The status code of the close frame that ended last; 0 when it had none. */
        int closeCode() {
            return closeCode;
        }

        String error() {
            return error;
        }

        /**
         * What is wrong with the frame that ended last as the echo of a message of {@code size} bytes sent with
         * {@code opcode}, or null when it is one: same opcode, FIN set, same payload length.
         */
        String checkEcho(int expectedOpcode, int size) {
            if (opcode != expectedOpcode) return describe() + ", expected the echo (opcode " + expectedOpcode + ")";
            if (!fin) return "a fragment (FIN clear) of " + length + " B, expected a whole " + size + " B echo";
            if (length != size) return "echo of " + length + " B, sent " + size;
            return null;
        }

        /** The frame that ended last, in words. */
        String describe() {
            return switch (opcode) {
                case OP_CLOSE -> "a close frame (" + closeCode + ")";
                case OP_TEXT -> "a text frame of " + length + " B";
                case OP_BINARY -> "a binary frame of " + length + " B";
                case OP_CONTINUATION -> "a continuation frame of " + length + " B";
                case OP_PING -> "a ping";
                case OP_PONG -> "a pong";
                default -> "a frame with opcode " + opcode;
            };
        }
    }
}
