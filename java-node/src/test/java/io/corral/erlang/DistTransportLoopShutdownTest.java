package io.corral.erlang;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.local.LocalChannel;
import java.io.EOFException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A distribution connection whose event loop refuses tasks, as one that is shutting down does, while the channel still
 * counts as open: a write from another thread (the node's writer, the ticker) cannot be handed to the loop. The writer
 * is told the connection closed, as after a close, and the buffers the write made are released; no
 * RejectedExecutionException reaches it.
 */
class DistTransportLoopShutdownTest {

    /** The channel's allocator, keeping every buffer it made. */
    private static final class Recording extends AbstractByteBufAllocator {
        final List<ByteBuf> made = new CopyOnWriteArrayList<>();

        Recording() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf b = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
            made.add(b);
            return b;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf b = new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
            made.add(b);
            return b;
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    /**
     * A loop that refuses new tasks from the moment it is told to, as one does once it is shutting down, while its
     * channels are still open (the window between a loop's shutdown and its channels' close; a real shutdown closes
     * them at once, so it cannot stand still in that window for a test).
     */
    private static final class Refusing extends DefaultEventLoop {
        volatile boolean refusing;

        @Override
        public void execute(Runnable task) {
            if (refusing) throw new RejectedExecutionException("event executor terminated");
            super.execute(task);
        }
    }

    @Test
    void aWriteOffTheLoopThatTheLoopRefusesIsAClosedConnectionAndItsBuffersAreReleased() throws Exception {
        Refusing loop = new Refusing();
        LocalChannel channel = new LocalChannel();
        Recording alloc = new Recording();
        channel.config().setAllocator(alloc);
        loop.register(channel).sync();
        try {
            DistTransport t = new DistTransport(channel, m -> {}, 1000, 60_000);
            loop.submit(() -> {}).sync(); // the pipeline has its handler
            loop.refusing = true;
            assertTrue(channel.isOpen());
            byte[] packet = {0, 0, 0, 3, 1, 2, 3};
            assertThrows(EOFException.class, () -> t.getOutputStream().write(packet, 0, packet.length),
                    "the writer hears the connection closed, not a RejectedExecutionException");
            assertFalse(alloc.made.isEmpty(), "the write made a buffer");
            for (ByteBuf b : alloc.made) assertEquals(0, b.refCnt(), "and it was released");
            assertThrows(EOFException.class, () -> t.getOutputStream().write(packet, 0, packet.length),
                    "a later write too");
            assertDoesNotThrow(() -> t.attach(null), "taking the connection live does not throw into its caller");
        } finally {
            loop.refusing = false;
            channel.close().sync();
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }
}
