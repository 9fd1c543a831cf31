package io.corral.bench;

import static io.corral.bench.ToolRun.phase;
import static io.corral.bench.ToolRun.processCpuNanos;
import static io.corral.bench.ToolRun.sleepUntil;
import static io.corral.bench.ToolRun.us;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A closed-loop WebSocket load generator on real sockets: N connections, each keeping W messages of S bytes in
 * flight (a new one is sent as soon as an echo comes back), a warm-up, then a measured window. Latency is send ->
 * echo per message, matched in order (an echo server answers in order on one connection). It stops by itself.
 *
 * <p>Built on Netty's client (epoll, {@code --threads} event loops, default one per available core, so
 * {@code taskset -c 1} gives one). The upgrade is Netty's client handshake; after it the tool works on raw bytes
 * ({@link RawFrames}): each message is a slice of one pre-encoded, masked buffer, the echoes of one read are
 * answered with one write and one flush, and a streaming parser checks each echo's opcode, FIN and length without
 * copying its payload. So in scenario A (32 B, 8 in flight) a message costs the client less than it costs the
 * server, and the server sets the pace. Any close frame, other frame or protocol error from the server before the
 * tool's own close is a failure. It reports its own CPU use over the measured window: a value near the number of
 * cores it may use means the load tool, not the server, set the pace.
 *
 * <pre>
 * java io.corral.bench.LoadTool --url ws://127.0.0.1:8080/echo [--connections 100] [--window 8] [--size 32]
 *     [--type text|binary] [--warmup 5] [--duration 10] [--threads N]
 * </pre>
 *
 * The last line on stdout is machine-readable: {@code RESULT key=value ...} (latencies in microseconds); before it,
 * {@code PHASE measure} and {@code PHASE done} mark the measured window as it happens.
 */
public final class LoadTool {

    /** What one run is asked to do. */
    public record Options(URI url, int connections, int window, int size, boolean text, double warmupSeconds,
            double durationSeconds, int threads) {

        static Options parse(String[] args) {
            URI url = null;
            int connections = 100, window = 8, size = 32, threads = Runtime.getRuntime().availableProcessors();
            boolean text = true;
            double warmup = 5, duration = 10;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
                String v = args[++i];
                switch (a) {
                    case "--url" -> url = URI.create(v);
                    case "--connections" -> connections = Integer.parseInt(v);
                    case "--window" -> window = Integer.parseInt(v);
                    case "--size" -> size = Integer.parseInt(v);
                    case "--type" -> text = switch (v) {
                        case "text" -> true;
                        case "binary" -> false;
                        default -> throw new IllegalArgumentException("--type is text or binary, not " + v);
                    };
                    case "--warmup" -> warmup = Double.parseDouble(v);
                    case "--duration" -> duration = Double.parseDouble(v);
                    case "--threads" -> threads = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (url == null) throw new IllegalArgumentException("--url is required");
            if (connections < 1 || window < 1 || size < 0 || threads < 1 || duration <= 0 || warmup < 0) {
                throw new IllegalArgumentException("connections, window, threads >= 1; size, warmup >= 0; duration > 0");
            }
            return new Options(url, connections, window, size, text, warmup, duration, threads);
        }
    }

    /** What one run measured. Latencies in nanoseconds. */
    public record Report(long messages, double seconds, LatencyHistogram latency, double cpuCores, int failures) {
        public double messagesPerSecond() {
            return messages / seconds;
        }

        String resultLine() {
            return String.format(Locale.ROOT,
                    "RESULT msgs=%d seconds=%.3f msgPerSec=%.1f p50us=%.1f p90us=%.1f p99us=%.1f p999us=%.1f"
                            + " maxus=%.1f meanus=%.1f cpuCores=%.2f failures=%d",
                    messages, seconds, messagesPerSecond(), us(latency.percentile(0.50)), us(latency.percentile(0.90)),
                    us(latency.percentile(0.99)), us(latency.percentile(0.999)), us(latency.max()),
                    latency.mean() / 1000.0, cpuCores, failures);
        }

    }

    // The phase boundaries, in System.nanoTime(); written once by the main thread before any message is sent.
    private volatile long measureStart = Long.MAX_VALUE;
    private volatile long measureEnd = Long.MAX_VALUE;
    /** After this no new message is sent; in-flight echoes are still read. */
    private volatile long stopSending = Long.MAX_VALUE;

    private final Options options;
    private final AtomicInteger failures = new AtomicInteger();
    /** The opcode every message is sent with and every echo must have. */
    private final int opcode;
    /** {@code window} copies of the one message, pre-encoded and masked, back to back; slices of it are written. */
    private final ByteBuf frames;
    private final int frameLength;
    /** The close frame (1000) each connection ends with, pre-encoded and masked. */
    private final ByteBuf closeFrame;

    public LoadTool(Options options) {
        this.options = options;
        byte[] bytes = new byte[options.size()];
        if (options.text()) {
            for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) ('a' + i % 26);
        } else {
            ThreadLocalRandom.current().nextBytes(bytes);
        }
        this.opcode = options.text() ? RawFrames.OP_TEXT : RawFrames.OP_BINARY;
        byte[] frame = RawFrames.clientFrame(opcode, bytes);
        this.frameLength = frame.length;
        this.frames = RawFrames.repeated(frame, options.window());
        this.closeFrame = RawFrames.repeated(RawFrames.clientClose(1000, "done"), 1);
    }

    static SslContext clientTls() {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .protocols("TLSv1.3").build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException("cannot make the client's TLS context", e);
        }
    }

    public Report run() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.threads(), io);
        List<Conn> conns = new ArrayList<>();
        List<Channel> channels = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(options.connections());
        try {
            URI url = options.url();
            boolean secure = "wss".equals(url.getScheme());
            int port = url.getPort() > 0 ? url.getPort() : secure ? 443 : 80;
            // wss://: TLS 1.3 with BoringSSL when it loads, as the servers; the benchmark's throw-away certificate is
            // trusted blindly (this measures cost, not trust).
            SslContext tls = secure ? clientTls() : null;
            WebSocketClientProtocolConfig wsConfig = WebSocketClientProtocolConfig.newBuilder()
                    .webSocketUri(url)
                    .maxFramePayloadLength(Math.max(65536, options.size() * 2))
                    .withUTF8Validator(false) // the client checks sizes only; its CPU goes to the load
                    .handshakeTimeoutMillis(15_000)
                    .build();
            Bootstrap b = new Bootstrap()
                    .group(group)
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
            List<ChannelFuture> connects = new ArrayList<>();
            for (int i = 0; i < options.connections(); i++) {
                Conn c = new Conn(ready);
                conns.add(c);
                b.handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) ch.pipeline().addLast(tls.newHandler(ch.alloc(), url.getHost(), port));
                        ch.pipeline()
                                .addLast(new HttpClientCodec())
                                .addLast(new HttpObjectAggregator(65536))
                                .addLast(new WebSocketClientProtocolHandler(wsConfig))
                                .addLast(c);
                    }
                });
                connects.add(b.connect(url.getHost(), port));
            }
            for (ChannelFuture f : connects) {
                if (!f.await(15, TimeUnit.SECONDS) || !f.isSuccess()) {
                    throw new IllegalStateException("cannot connect to " + url + ": " + f.cause());
                }
                channels.add(f.channel());
            }
            if (!ready.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException((ready.getCount()) + " of " + options.connections()
                        + " WebSocket handshakes with " + url + " did not complete");
            }
            if (failures.get() > 0) throw new IllegalStateException(failures.get() + " connections failed during the handshake");

            long warmupNanos = (long) (options.warmupSeconds() * 1e9);
            long durationNanos = (long) (options.durationSeconds() * 1e9);
            long start = System.nanoTime();
            measureStart = start + warmupNanos;
            measureEnd = measureStart + durationNanos;
            stopSending = measureEnd;
            for (Conn c : conns) c.ctx.executor().execute(c::startSending);

            sleepUntil(measureStart);
            long cpu0 = processCpuNanos();
            phase("measure"); // the harness samples the server's CPU on these lines
            sleepUntil(measureEnd);
            long cpu1 = processCpuNanos();
            phase("done");
            // Drain: the last echoes come back; after 2 s whatever is missing is given up on.
            long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            for (Conn c : conns) {
                while (c.inFlight.get() > 0 && System.nanoTime() < drainDeadline && c.ctx.channel().isActive()) {
                    Thread.sleep(5);
                }
            }
            for (Conn c : conns) c.ctx.executor().execute(c::close);
            for (Channel ch : channels) ch.close().await(2, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);

            // The event loops are stopped: their histograms and counters are safe to read.
            LatencyHistogram all = new LatencyHistogram();
            long messages = 0;
            for (Conn c : conns) {
                all.add(c.latency);
                messages += c.completedInWindow;
            }
            return new Report(messages, durationNanos / 1e9, all, (cpu1 - cpu0) / (double) durationNanos, failures.get());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }




    /**
     * One connection: a ring of send times, one histogram, one frame parser; everything on its event loop. Netty's
     * client handshake runs first (HttpClientCodec + WebSocketClientProtocolHandler); once it completes, the
     * WebSocket handlers leave the pipeline (an SslHandler stays) and the connection works on raw bytes: it writes
     * slices of {@link #frames} and reads the echoes with a {@link RawFrames.Parser}.
     */
    private final class Conn extends ChannelInboundHandlerAdapter {
        private final CountDownLatch ready;
        private final long[] sentAt = new long[options.window()];
        private int head, tail;
        private final RawFrames.Parser parser = new RawFrames.Parser();
        /** Echoes read in this read batch, each answered by a new message at its end. */
        private int toSend;
        /** Read by the main thread while draining. */
        final AtomicInteger inFlight = new AtomicInteger();
        final LatencyHistogram latency = new LatencyHistogram();
        long completedInWindow;
        ChannelHandlerContext ctx;
        private boolean open;
        /** Counted as failed already, or closing by our choice: what is read after that is dropped. */
        private boolean done;

        Conn(CountDownLatch ready) {
            this.ready = ready;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                // The handshaker takes HttpClientCodec out in a task it has just queued; ours runs after it.
                ctx.executor().execute(this::goRaw);
            } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                failures.incrementAndGet();
                ready.countDown();
            }
            ctx.fireUserEventTriggered(evt);
        }

        /** Takes every handler but TLS and this one out of the pipeline; from now on reads are raw bytes. */
        private void goRaw() {
            if (!ctx.channel().isActive()) return; // channelInactive has counted it
            ChannelPipeline p = ctx.pipeline();
            for (Map.Entry<String, ChannelHandler> e : p.toMap().entrySet()) {
                ChannelHandler h = e.getValue();
                // HttpClientCodec: the handshaker's own queued task removes it (found here only if it has not run).
                if (h == this || h instanceof SslHandler || h instanceof HttpClientCodec) continue;
                p.remove(h);
            }
            open = true;
            ready.countDown();
        }

        void startSending() {
            send(options.window());
            ctx.flush();
        }

        /** Writes n pre-encoded messages as one slice (not flushed); n <= window, as in-flight never exceeds it. */
        private void send(int n) {
            long now = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sentAt[tail] = now;
                tail = tail + 1 == sentAt.length ? 0 : tail + 1;
            }
            inFlight.addAndGet(n);
            ctx.write(frames.slice(0, n * frameLength), ctx.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf in)) {
                ReferenceCountUtil.release(msg);
                fail(ctx, "a " + msg.getClass().getSimpleName() + " before the pipeline was raw");
                return;
            }
            try {
                if (done) return;
                long now = System.nanoTime(); // one read: its echoes all arrived by now
                int r;
                while ((r = parser.next(in)) == RawFrames.Parser.FRAME) {
                    String wrong = parser.checkEcho(opcode, options.size());
                    if (wrong != null) {
                        fail(ctx, wrong);
                        return;
                    }
                    if (inFlight.get() == 0) {
                        fail(ctx, "an echo nobody asked for");
                        return;
                    }
                    long sent = sentAt[head];
                    head = head + 1 == sentAt.length ? 0 : head + 1;
                    inFlight.decrementAndGet();
                    if (now >= measureStart && now <= measureEnd) {
                        completedInWindow++;
                        if (sent >= measureStart) latency.record(now - sent);
                    }
                    if (now < stopSending) toSend++;
                }
                if (r == RawFrames.Parser.ERROR) fail(ctx, parser.error());
            } finally {
                in.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (toSend > 0 && !done) send(toSend);
            toSend = 0;
            ctx.flush();
            ctx.fireChannelReadComplete();
        }

        /** The end of the run: our close frame (1000); the server's answer is not looked at. */
        void close() {
            done = true;
            if (ctx.channel().isActive()) ctx.writeAndFlush(closeFrame.duplicate(), ctx.voidPromise());
        }

        private void fail(ChannelHandlerContext ctx, String why) {
            if (done) return;
            done = true;
            if (failures.incrementAndGet() <= 10) System.err.println("loadtool: " + ctx.channel() + ": " + why);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // Closing before the run ends (the server gave up on us) is a failure; our own close at the end is not.
            if (open && !done && System.nanoTime() < measureEnd) fail(ctx, "closed by the server");
            if (!open) {
                fail(ctx, "closed before the handshake completed");
                ready.countDown();
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (System.nanoTime() < measureEnd) fail(ctx, cause.toString());
            ctx.close();
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("loadtool: " + e.getMessage());
            System.err.println("usage: LoadTool --url ws://HOST:PORT/PATH [--connections N] [--window W] [--size S]"
                    + " [--type text|binary] [--warmup SEC] [--duration SEC] [--threads T]");
            System.exit(2);
            return;
        }
        Report r;
        try {
            r = new LoadTool(o).run();
        } catch (IllegalStateException e) {
            System.err.println("loadtool: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.err.printf(Locale.ROOT, "loadtool: %s %d conns x %d in flight x %d B %s: %.0f msg/s, p50 %.0f us,"
                        + " p99 %.0f us, p99.9 %.0f us, client CPU %.2f cores, %d failures%n",
                o.url(), o.connections(), o.window(), o.size(), o.text() ? "text" : "binary", r.messagesPerSecond(),
                r.latency().percentile(0.5) / 1e3, r.latency().percentile(0.99) / 1e3,
                r.latency().percentile(0.999) / 1e3, r.cpuCores(), r.failures());
        System.out.println(r.resultLine());
        System.exit(r.failures() == 0 ? 0 : 3);
    }
}
