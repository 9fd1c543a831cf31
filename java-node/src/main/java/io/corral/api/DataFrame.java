package io.corral.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.DefaultByteBufHolder;
import java.nio.charset.StandardCharsets;

/**
 * A whole text or binary message whose payload is a Netty {@link ByteBuf}: the zero-copy way in and out of a Java
 * handler. {@link Frame.Text} and {@link Frame.Binary} carry a {@code byte[]}, which costs a copy of every payload
 * on the way in and another (heap to direct memory, in the socket transport) on the way out; a {@code DataFrame}
 * costs neither. A handler receives them by overriding
 * {@link WebSocketHandler#websocketHandle(DataFrame, Object)}, and sends them from any callback by putting them in
 * its {@link Result}, like any other frame.
 *
 * <h2>Who releases what</h2>
 *
 * Netty's reference counting, with the rules of Netty's own {@code SimpleChannelInboundHandler}:
 * <ol>
 *   <li><b>A frame handed to {@code websocketHandle(DataFrame, S)} is lent.</b> Its buffer is valid until the callback
 *       returns (and the result was carried out); Corral releases it then. Do not release it yourself. To keep it
 *       past the callback, or to send it back, take your own reference: {@link #retain()} (the same frame),
 *       {@link #retainedDuplicate()} (a new frame over the same bytes) or {@code content().retainedSlice(...)}.</li>
 *   <li><b>A frame put in a {@code Result} belongs to Corral from then on</b>, one reference of it: Corral releases it
 *       once it is written, or when it is not written (an earlier close or {@code stop} in the list, a session that
 *       already ended). Do not touch it after returning it. Writing it reads its bytes (as Netty does, its buffer's
 *       reader index moves to the end), so the same frame or buffer listed twice goes out empty the second time: each further
 *       copy needs indexes of its own, {@link #retainedDuplicate()}.</li>
 *   <li>{@link #text(ByteBuf)} and {@link #binary(ByteBuf)} take over the caller's reference of the buffer. Allocate
 *       replies from a pooled allocator ({@code ByteBufAllocator.DEFAULT.directBuffer(n)}): a direct buffer goes to
 *       the socket without a copy.</li>
 * </ol>
 *
 * An echo is therefore {@code Result.reply(state, frame.retain())}: the lent reference stays Corral's, the retained
 * one goes out. Returning a lent frame without taking a reference is caught: the connection closes with 1011 as if
 * the callback had thrown, rather than writing memory that Corral is about to free. A text frame's bytes are sent as
 * given (Cowboy does not check outgoing UTF-8 either).
 */
public final class DataFrame extends DefaultByteBufHolder implements Command {
    private final boolean text;

    private DataFrame(boolean text, ByteBuf content) {
        super(content);
        this.text = text;
    }

    /**
     * A text message with {@code utf8} as its payload; the frame takes over the caller's reference.
     *
     * @param utf8 the UTF-8 payload
     * @return the frame
     */
    public static DataFrame text(ByteBuf utf8) {
        return new DataFrame(true, utf8);
    }

    /**
     * A binary message; the frame takes over the caller's reference of {@code payload}.
     *
     * @param payload the payload
     * @return the frame
     */
    public static DataFrame binary(ByteBuf payload) {
        return new DataFrame(false, payload);
    }

    /**
     * Whether this is a text message (its payload is UTF-8); false for binary.
     *
     * @return true for text
     */
    public boolean isText() {
        return text;
    }

    /**
     * The payload decoded as UTF-8 (a copy: the frame can be released afterwards).
     *
     * @return the text
     */
    public String text() {
        return content().toString(StandardCharsets.UTF_8);
    }

    /**
     * A copy of the payload.
     *
     * @return the payload's bytes
     */
    public byte[] bytes() {
        return ByteBufUtil.getBytes(content());
    }

    /**
     * The same message as a {@link Frame.Text} or {@link Frame.Binary}, with a copy of the payload.
     *
     * @return a frame holding a copy
     */
    public Frame toFrame() {
        byte[] b = bytes();
        return text ? new Frame.Text(b) : new Frame.Binary(b);
    }

    @Override
    public DataFrame replace(ByteBuf content) {
        return new DataFrame(text, content);
    }

    @Override
    public DataFrame copy() {
        return (DataFrame) super.copy();
    }

    @Override
    public DataFrame duplicate() {
        return (DataFrame) super.duplicate();
    }

    @Override
    public DataFrame retainedDuplicate() {
        return (DataFrame) super.retainedDuplicate();
    }

    @Override
    public DataFrame retain() {
        super.retain();
        return this;
    }

    @Override
    public DataFrame retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public DataFrame touch() {
        super.touch();
        return this;
    }

    @Override
    public DataFrame touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return (text ? "DataFrame.Text[" : "DataFrame.Binary[") + content().readableBytes() + " bytes]";
    }
}
