package io.corral.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A WebSocket frame as a handler sees it (a whole message: fragments are reassembled first) and as it sends it.
 * Mirrors {@code cow_ws:frame()}.
 */
public sealed interface Frame extends Command permits Frame.Text, Frame.Binary, Frame.Ping, Frame.Pong, Frame.Close {

    /**
     * An empty payload.
     *
     */
    byte[] EMPTY = new byte[0];

    /**
     * A text message. {@code bytes} is the UTF-8 payload as it came off the wire.
     *
     * @param bytes the UTF-8 payload
     */
    record Text(byte[] bytes) implements Frame {
        /**
         * The text.
         *
         * @return the payload decoded as UTF-8
         */
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Text[" + text() + "]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Text f && Arrays.equals(f.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /**
     * A binary message.
     *
     * @param bytes the payload
     */
    record Binary(byte[] bytes) implements Frame {
        @Override
        public String toString() {
            return "Binary[" + bytes.length + " bytes]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Binary f && Arrays.equals(f.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /**
     * A ping. An empty payload is what Cowboy 2.x hands over as the bare atom {@code ping}.
     *
     * @param bytes the payload (at most 125 bytes, RFC 6455 section 5.5)
     */
    record Ping(byte[] bytes) implements Frame {
        @Override
        public String toString() {
            return "Ping[" + bytes.length + " bytes]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ping f && Arrays.equals(f.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /**
     * A pong.
     *
     * @param bytes the payload
     */
    record Pong(byte[] bytes) implements Frame {
        @Override
        public String toString() {
            return "Pong[" + bytes.length + " bytes]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pong f && Arrays.equals(f.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /**
     * A close frame. {@code code} is {@link #NO_CODE} for an empty close payload ({@code close} in Cowboy);
     * {@code {close, Payload}} is code 1000 with that reason, as in Cowboy.
     *
     * @param code the status code, or {@link #NO_CODE}
     * @param reason the UTF-8 reason (empty for none)
     */
    record Close(int code, byte[] reason) implements Frame {
        /**
         * No status code: an empty close payload.
         *
         */
        public static final int NO_CODE = -1;

        /**
         * The reason as text.
         *
         * @return the reason decoded as UTF-8
         */
        public String reasonText() {
            return new String(reason, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Close[" + code + " " + reasonText() + "]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Close c && c.code == code && Arrays.equals(c.reason, reason);
        }

        @Override
        public int hashCode() {
            return code * 31 + Arrays.hashCode(reason);
        }
    }

    /**
     * {@code {text, Text}}.
     *
     * @param s the text
     * @return a text frame with its UTF-8 bytes
     */
    static Text text(String s) {
        return new Text(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code {binary, Bin}}.
     *
     * @param b the payload (not copied)
     * @return a binary frame
     */
    static Binary binary(byte[] b) {
        return new Binary(b);
    }

    /**
     * {@code ping}.
     *
     * @return an empty ping
     */
    static Ping ping() {
        return new Ping(EMPTY);
    }

    /**
     * {@code {ping, Payload}}.
     *
     * @param b the payload
     * @return a ping
     */
    static Ping ping(byte[] b) {
        return new Ping(b);
    }

    /**
     * {@code {pong, Payload}}.
     *
     * @param b the payload
     * @return a pong
     */
    static Pong pong(byte[] b) {
        return new Pong(b);
    }

    /**
     * {@code close}: a close frame with an empty payload.
     *
     * @return a close frame without a code
     */
    static Close close() {
        return new Close(Close.NO_CODE, EMPTY);
    }

    /**
     * {@code {close, Code, <<>>}}.
     *
     * @param code the status code
     * @return a close frame with that code and no reason
     */
    static Close close(int code) {
        return new Close(code, EMPTY);
    }

    /**
     * {@code {close, Code, Reason}}.
     *
     * @param code the status code
     * @param reason the reason, sent as UTF-8
     * @return a close frame
     */
    static Close close(int code, String reason) {
        return new Close(code, reason.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The payload bytes of any frame (for a close: the reason only).
     *
     * @return the payload (not a copy)
     */
    default byte[] payload() {
        return switch (this) {
            case Text t -> t.bytes();
            case Binary b -> b.bytes();
            case Ping p -> p.bytes();
            case Pong p -> p.bytes();
            case Close c -> c.reason();
        };
    }
}
