package io.corral.bench;

import io.corral.compat.Endpoints;
import io.corral.connection.ProcessBinding;
import io.corral.connection.ServerContext;
import io.corral.connection.WsConnection;
import io.corral.handshake.HttpUpgradeHandler;
import io.corral.routing.Router;
import io.corral.routing.RoutesFile;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-frame cost of one echo, without sockets: a masked client frame goes in as wire bytes, the echoed frame
 * comes out as wire bytes. Both pipelines are built by a real upgrade request through an {@link EmbeddedChannel}:
 *
 * <ul>
 *   <li>{@code corral}: {@code HttpServerCodec} + Corral's {@link HttpUpgradeHandler}, which turns the pipeline into
 *       frame encoder, Cowboy frame decoder, UTF-8 validator and {@link WsConnection} driving the Java
 *       {@link io.corral.demo.EchoHandler} (no Erlang node: {@link ProcessBinding#NONE});
 *   <li>{@code netty}: the socket baseline's pipeline, {@code HttpServerCodec} + {@code HttpObjectAggregator} +
 *       {@code WebSocketServerProtocolHandler} + {@link NettyEchoServer.Echo}.
 * </ul>
 *
 * Same decoder limits and UTF-8 validation on both sides; the ratio corral / netty is Corral's per-frame overhead.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class FrameCostBenchmark {

    /** {@code text32}: scenario A's message; {@code binary16384}: scenario B's. */
    @Param({"text32", "binary16384"})
    public String payload;

    private EmbeddedChannel corral;
    private EmbeddedChannel netty;
    private ByteBuf wireFrame;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        wireFrame = maskedFrame(payload);
        Router router = RoutesFile.parse("[{'_', [{\"/echo\", 'io.corral.demo.EchoHandler', []}]}].", "bench routes");
        ServerContext context = new ServerContext("bench", router, Endpoints.resolve(router.routes(), null), null,
                ProcessBinding.NONE);
        corral = upgraded(new HttpServerCodec(), new HttpUpgradeHandler(context, io.corral.config.ListenerSettings.DEFAULTS));
        if (corral.pipeline().get(WsConnection.class) == null) {
            throw new IllegalStateException("the Corral pipeline did not upgrade: " + corral.pipeline().names());
        }
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/echo").checkStartsWith(false).maxFramePayloadLength(1_000_000)
                .withUTF8Validator(true).build();
        netty = upgraded(new HttpServerCodec(), new HttpObjectAggregator(65536), new WebSocketServerProtocolHandler(config),
                new NettyEchoServer.Echo(false));
        int expected = payload.equals("text32") ? 32 + 2 : 16384 + 4; // unmasked server frame: header + payload
        for (EmbeddedChannel ch : new EmbeddedChannel[] {corral, netty}) {
            int out = roundTrip(ch);
            if (out != expected) throw new IllegalStateException("echo of " + out + " bytes, expected " + expected);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        corral.finishAndReleaseAll();
        netty.finishAndReleaseAll();
        wireFrame.release();
    }

    @Benchmark
    public int corral() {
        return roundTrip(corral);
    }

    @Benchmark
    public int netty() {
        return roundTrip(netty);
    }

    /** One frame in, its echo out; returns the bytes written so the work cannot be optimised away. */
    private int roundTrip(EmbeddedChannel ch) {
        ch.writeInbound(wireFrame.retainedDuplicate());
        int bytes = 0;
        Object o;
        while ((o = ch.readOutbound()) != null) {
            bytes += ((ByteBuf) o).readableBytes();
            ReferenceCountUtil.release(o);
        }
        return bytes;
    }

    /** An EmbeddedChannel whose addresses are IP sockets, as Corral's upgrade handler expects. */
    static final class BenchChannel extends EmbeddedChannel {
        private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 8080);
        private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 50000);

        BenchChannel(ChannelHandler... handlers) {
            super(handlers);
        }

        @Override
        protected SocketAddress localAddress0() {
            return LOCAL;
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return REMOTE;
        }
    }

    private static EmbeddedChannel upgraded(ChannelHandler... handlers) {
        EmbeddedChannel ch = new BenchChannel(handlers);
        String req = "GET /echo HTTP/1.1\r\nHost: localhost:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        ch.writeInbound(Unpooled.copiedBuffer(req, StandardCharsets.US_ASCII));
        ch.runPendingTasks();
        ByteBuf response = Unpooled.buffer();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            response.writeBytes((ByteBuf) o);
            ReferenceCountUtil.release(o);
        }
        String head = response.toString(StandardCharsets.US_ASCII);
        response.release();
        if (!head.startsWith("HTTP/1.1 101")) throw new IllegalStateException("no 101 from " + ch.pipeline().names() + ": " + head);
        return ch;
    }

    /** What a client puts on the wire: one masked frame, as one buffer. */
    private static ByteBuf maskedFrame(String payload) {
        byte[] bytes;
        WebSocketFrame frame;
        if (payload.equals("text32")) {
            bytes = new byte[32];
            for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) ('a' + i % 26);
            frame = new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes));
        } else if (payload.equals("binary16384")) {
            bytes = new byte[16384];
            Arrays.fill(bytes, (byte) 7);
            frame = new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes));
        } else {
            throw new IllegalArgumentException("payload " + payload);
        }
        EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
        encoder.writeOutbound(frame);
        ByteBuf wire = ByteBufAllocator.DEFAULT.directBuffer();
        Object o;
        while ((o = encoder.readOutbound()) != null) {
            wire.writeBytes((ByteBuf) o);
            ReferenceCountUtil.release(o);
        }
        encoder.finishAndReleaseAll();
        return wire;
    }
}
