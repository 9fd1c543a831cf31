package io.corral.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.Corral;
import io.corral.config.Settings;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * The load tool on real sockets, a second per case: after Netty's client handshake it sends pre-encoded frames and
 * parses the echoes itself, so it is run against plain Netty (also over TLS, where the SslHandler stays in the
 * pipeline) and Corral's Java route (short, 16-bit and 64-bit lengths) and must see no failure, and against
 * servers that answer wrongly and must count failures.
 */
class LoadToolTest {

    private static LoadTool.Report run(int port, int size, String type) throws InterruptedException {
        return run("ws", port, size, type);
    }

    private static LoadTool.Report run(String scheme, int port, int size, String type) throws InterruptedException {
        LoadTool.Options o = LoadTool.Options.parse(new String[] {"--url", scheme + "://127.0.0.1:" + port + "/echo",
                "--connections", "4", "--window", "8", "--size", String.valueOf(size), "--type", type,
                "--warmup", "0", "--duration", "1", "--threads", "1"});
        return new LoadTool(o).run();
    }

    private static void assertEchoed(LoadTool.Report r, String what) {
        assertEquals(0, r.failures(), what + ": every echo had the opcode, FIN and length sent");
        assertTrue(r.messages() > 0, what + ": messages came back in 1 s, got " + r.messages());
        assertTrue(r.latency().count() > 0 && r.latency().count() <= r.messages(),
                what + ": a latency per message sent and echoed in the window: " + r.latency().count());
    }

    @Test
    void echoesAreCountedAgainstPlainNetty() throws Exception {
        try (NettyEchoServer server = NettyEchoServer.start("127.0.0.1", 0, 1, false)) {
            assertEchoed(run(server.port(), 32, "text"), "plain Netty, 32 B text");
            assertEchoed(run(server.port(), 16_384, "binary"), "plain Netty, 16 KiB binary (16-bit length)");
            assertEchoed(run(server.port(), 70_000, "binary"), "plain Netty, 70,000 B binary (64-bit length)");
        }
    }

    @Test
    void overTlsTheSslHandlerStaysAndTheRawFramesGoThroughIt() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
        try (NettyEchoServer server = NettyEchoServer.start("127.0.0.1", 0, 1, false,
                SslContextBuilder.forServer(cert.certificate(), cert.privateKey()).build())) {
            assertEchoed(run("wss", server.port(), 32, "text"), "plain Netty over TLS, 32 B text");
            assertEchoed(run("wss", server.port(), 70_000, "binary"), "plain Netty over TLS, 70,000 B binary");
        } finally {
            cert.delete();
        }
    }

    @Test
    void echoesAreCountedAgainstCorralWithAJavaHandler() throws Exception {
        try (Corral corral = Corral.start(Settings.builder().port(0).routesText("load tool routes",
                "[{'_', [{\"/echo\", 'io.corral.demo.EchoHandler', []}]}].").build())) {
            assertEchoed(run(corral.port(), 32, "text"), "Corral, Java route, 32 B text");
            assertEchoed(run(corral.port(), 16_384, "binary"), "Corral, Java route, 16 KiB binary");
        }
    }

    /** Runs 32 B text against a server that echoes the first messages and then answers as {@code wrong} does. */
    private static LoadTool.Report against(BiConsumer<ChannelHandlerContext, WebSocketFrame> wrong)
            throws Exception {
        int[] seen = {0};
        try (ScriptedServer server = ScriptedServer.websocket((ctx, frame) -> {
            if (++seen[0] <= 100) ctx.write(frame);
            else wrong.accept(ctx, frame);
        })) {
            return run(server.port(), 32, "text");
        }
    }

    @Test
    void theServersCloseFrameIsAFailure() throws Exception {
        LoadTool.Report r = against((ctx, frame) -> {
            frame.release();
            ctx.writeAndFlush(new CloseWebSocketFrame(1001, "going away"));
        });
        assertTrue(r.failures() > 0, "a close from the server before the run's end is a failure");
    }

    @Test
    void anEchoOfAnotherOpcodeIsAFailure() throws Exception {
        LoadTool.Report r = against((ctx, frame) -> ctx.write(new BinaryWebSocketFrame(frame.content())));
        assertTrue(r.failures() > 0, "a binary answer to a text message is a failure");
    }

    @Test
    void anEchoOfAnotherLengthIsAFailure() throws Exception {
        LoadTool.Report r = against((ctx, frame) -> ctx.write(new TextWebSocketFrame(frame.content().skipBytes(1))));
        assertTrue(r.failures() > 0, "31 B back for 32 B sent is a failure");
    }

    @Test
    void aFragmentedEchoIsAFailure() throws Exception {
        LoadTool.Report r = against((ctx, frame) -> {
            ctx.write(new TextWebSocketFrame(false, 0, frame.content().retainedSlice(0, 16)));
            ctx.write(new ContinuationWebSocketFrame(true, 0, frame.content().slice(16, 16)));
        });
        assertTrue(r.failures() > 0, "an echo in two fragments is not what the tool sent");
    }

    @Test
    void aWellBehavedScriptedServerGivesNoFailure() throws Exception {
        // The control for the cases above: the scripted server's own echo is accepted.
        assertEchoed(against((ctx, frame) -> ctx.write(frame)), "the scripted server answering well");
    }
}
