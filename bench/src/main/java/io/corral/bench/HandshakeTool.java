package io.corral.bench;

import static io.corral.bench.ToolRun.phase;
import static io.corral.bench.ToolRun.processCpuNanos;
import static io.corral.bench.ToolRun.sleepUntil;
import static io.corral.bench.ToolRun.us;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A closed-loop WebSocket handshake-rate generator on real sockets: S slots, each running one connection's whole life
 * after another for a fixed time: TCP connect -> HTTP/1.1 upgrade request -> 101 -> one text message of {@code --size}
 * bytes and its echo -> a close frame (1000) -> the server's close frame -> the server closes the TCP connection
 * (RFC 6455 section 7.1.1: the server closes first, so the client's ports do not pile up in TIME_WAIT) -> the next
 * connection at once. A <em>handshake</em> is one such cycle completed; counted when it completes inside the measured
 * window. Two latencies, for cycles that start and end inside it: connect -> 101 ({@code p50us} ...) and the whole
 * cycle, connect -> the server's close ({@code cycleP50us} ...).
 *
 * <p>The client side works on raw bytes so that a cycle costs the client little next to what it costs the server
 * ({@link RawFrames}): one upgrade request built once, with a fixed {@code Sec-WebSocket-Key} whose expected
 * {@code Sec-WebSocket-Accept} is computed once; the response head is read up to its blank line and checked as
 * Netty's client handshaker checks it (101, {@code Upgrade: websocket}, {@code Connection: upgrade}, the accept);
 * the echo and the close are pre-encoded masked frames; the server's frames go through a streaming parser. The same
 * client for every target, so its cost is the same whatever the server. epoll, {@code --threads} event loops
 * (default one per available core, so {@code taskset -c 1} gives one); every slot stays on one event loop, so its
 * state is never shared between threads.
 *
 * <p>Any deviation is a failure, counted and reported, and the tool exits 3: a connect that fails, an upgrade that
 * is refused, answered wrongly or not within 10 s, an echo of the wrong opcode, size or fragmented, any other frame
 * or bytes that are not frames, a connection closed before the server's close frame, a server that does not close
 * the TCP connection within 5 s of its close frame. A failed slot waits 10 ms and starts again.
 *
 * <pre>
 * java io.corral.bench.HandshakeTool --url ws://127.0.0.1:8080/echo [--slots 32] [--size 32] [--warmup 5]
 *     [--duration 10] [--threads N]
 * </pre>
 *
 * The last line on stdout is machine-readable: {@code RESULT handshakes=N handshakesPerSec=R p50us=...} (latencies
 * in microseconds); before it, {@code PHASE measure} and {@code PHASE done} mark the measured window as it happens,
 * the same protocol as {@link LoadTool}'s, so {@link EchoBenchmark} drives both alike.
 *
 * <p>Every cycle uses a new ephemeral port to the same server address; at thousands of cycles per second the 28,000
 * ports of Linux's default range are reused within TIME_WAIT of the server's side, which loopback allows with the
 * default {@code net.ipv4.tcp_tw_reuse = 2}. Connects that fail for want of a port are counted as failures.
 */
public final class HandshakeTool {

    /** What one run is asked to do. */
    public record Options(URI url, int slots, int size, double warmupSeconds, double durationSeconds, int threads) {

        static Options parse(String[] args) {
            URI url = null;
            int slots = 32, size = 32, threads = Runtime.getRuntime().availableProcessors();
            double warmup = 5, duration = 10;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
                String v = args[++i];
                switch (a) {
                    case "--url" -> url = URI.create(v);
                    case "--slots" -> slots = Integer.parseInt(v);
                    case "--size" -> size = Integer.parseInt(v);
                    case "--warmup" -> warmup = Double.parseDouble(v);
                    case "--duration" -> duration = Double.parseDouble(v);
                    case "--threads" -> threads = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (url == null) throw new IllegalArgumentException("--url is required");
            if (slots < 1 || size < 0 || threads < 1 || duration <= 0 || warmup < 0) {
                throw new IllegalArgumentException("slots, threads >= 1; size, warmup >= 0; duration > 0");
            }
            return new Options(url, slots, size, warmup, duration, threads);
        }
    }

    /** What one run measured. Latencies in nanoseconds. */
    public record Report(long handshakes, double seconds, LatencyHistogram handshake, LatencyHistogram cycle,
            double cpuCores, int failures) {
        public double handshakesPerSecond() {
            return handshakes / seconds;
        }

        String resultLine() {
            return String.format(Locale.ROOT,
                    "RESULT handshakes=%d seconds=%.3f handshakesPerSec=%.1f p50us=%.1f p90us=%.1f p99us=%.1f"
                            + " p999us=%.1f maxus=%.1f cycleP50us=%.1f cycleP99us=%.1f cpuCores=%.2f failures=%d",
                    handshakes, seconds, handshakesPerSecond(), us(handshake.percentile(0.50)),
                    us(handshake.percentile(0.90)), us(handshake.percentile(0.99)), us(handshake.percentile(0.999)),
                    us(handshake.max()), us(cycle.percentile(0.50)), us(cycle.percentile(0.99)), cpuCores, failures);
        }

    }

    /** How long a server may keep the TCP connection open after its close frame before that counts as a failure. */
    private static final long SERVER_CLOSE_TIMEOUT_MILLIS = 5_000;
    /** How long an upgrade may wait for its 101 (Netty's client handshaker had the same timeout here). */
    private static final long UPGRADE_TIMEOUT_MILLIS = 10_000;
    /** The pause before a failed slot starts again, so that a dead server is not hammered in a tight loop. */
    private static final long RETRY_DELAY_MILLIS = 10;

    // The phase boundaries, in System.nanoTime(); written once by the main thread before any cycle starts.
    private volatile long measureStart = Long.MAX_VALUE;
    private volatile long measureEnd = Long.MAX_VALUE;

    private final Options options;
    private final AtomicInteger failures = new AtomicInteger();
    /** The upgrade request every cycle sends, built once with {@link RawFrames#FIXED_KEY}. */
    private final ByteBuf upgradeRequest;
    /** The Sec-WebSocket-Accept every 101 must carry, computed once for the fixed key. */
    private final String expectedAccept = RawFrames.acceptFor(RawFrames.FIXED_KEY);
    /** The one text message of each cycle, pre-encoded and masked. */
    private final ByteBuf echoFrame;
    /** The close frame (1000) each cycle sends after the echo, pre-encoded and masked. */
    private final ByteBuf closeFrame = RawFrames.repeated(RawFrames.clientClose(1000, "bye"), 1);

    public HandshakeTool(Options options) {
        this.options = options;
        byte[] bytes = new byte[options.size()];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) ('a' + i % 26);
        this.echoFrame = RawFrames.repeated(RawFrames.clientFrame(RawFrames.OP_TEXT, bytes), 1);
        URI url = options.url();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) path += "?" + url.getRawQuery();
        // The Host header as Netty's handshaker writes it: the port only when it is not the scheme's default.
        boolean secure = "wss".equals(url.getScheme());
        int port = url.getPort();
        String host = port > 0 && port != (secure ? 443 : 80) ? url.getHost() + ":" + port : url.getHost();
        this.upgradeRequest = RawFrames.repeated(RawFrames.upgradeRequest(host, path), 1);
    }

    public Report run() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.threads(), io);
        try {
            URI url = options.url();
            boolean secure = "wss".equals(url.getScheme());
            int port = url.getPort() > 0 ? url.getPort() : secure ? 443 : 80;
            SslContext tls = secure ? LoadTool.clientTls() : null;

            long start = System.nanoTime();
            measureStart = start + (long) (options.warmupSeconds() * 1e9);
            measureEnd = measureStart + (long) (options.durationSeconds() * 1e9);
            List<Slot> slots = new ArrayList<>();
            CountDownLatch stopped = new CountDownLatch(options.slots());
            for (int i = 0; i < options.slots(); i++) {
                EventLoop loop = group.next();
                Slot s = new Slot(loop, url.getHost(), port, tls, epoll, stopped);
                slots.add(s);
                loop.execute(s::next);
            }

            sleepUntil(measureStart);
            long cpu0 = processCpuNanos();
            phase("measure"); // the harness samples the server's CPU on these lines
            sleepUntil(measureEnd);
            long cpu1 = processCpuNanos();
            phase("done");
            // Cycles under way finish (no new one starts after measureEnd); a slot stuck longer is given up on.
            if (!stopped.await(SERVER_CLOSE_TIMEOUT_MILLIS + 12_000, TimeUnit.MILLISECONDS)) {
                System.err.println("handshaketool: " + stopped.getCount() + " slots did not finish their last cycle");
                failures.incrementAndGet();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);

            // The event loops are stopped: the slots' histograms and counters are safe to read.
            LatencyHistogram handshake = new LatencyHistogram();
            LatencyHistogram cycle = new LatencyHistogram();
            long handshakes = 0;
            for (Slot s : slots) {
                handshake.add(s.handshakeLatency);
                cycle.add(s.cycleLatency);
                handshakes += s.completedInWindow;
            }
            return new Report(handshakes, options.durationSeconds(), handshake, cycle,
                    (cpu1 - cpu0) / (options.durationSeconds() * 1e9), failures.get());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }




    /** One slot: its cycles one after another, all on one event loop; its histograms are that loop's alone. */
    private final class Slot {
        private final EventLoop loop;
        private final Bootstrap bootstrap;
        private final String host;
        private final int port;
        private final CountDownLatch stopped;
        final LatencyHistogram handshakeLatency = new LatencyHistogram();
        final LatencyHistogram cycleLatency = new LatencyHistogram();
        long completedInWindow;
        /** When the cycle under way began (its connect); one cycle at a time per slot. */
        long cycleStart;

        Slot(EventLoop loop, String host, int port, SslContext tls, boolean epoll, CountDownLatch stopped) {
            this.loop = loop;
            this.host = host;
            this.port = port;
            this.stopped = stopped;
            this.bootstrap = new Bootstrap()
                    .group(loop)
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (tls != null) ch.pipeline().addLast(tls.newHandler(ch.alloc(), host, port));
                            ch.pipeline().addLast(new Cycle(Slot.this));
                        }
                    });
        }

        /** Starts the next cycle, or ends the slot once the measured window is over. */
        void next() {
            if (System.nanoTime() >= measureEnd) {
                stopped.countDown();
                return;
            }
            cycleStart = System.nanoTime();
            ChannelFuture f = bootstrap.connect(host, port);
            f.addListener(done -> {
                if (!done.isSuccess()) fail("connect: " + done.cause());
            });
        }

        /** Counts a failure (reported only while it matters) and starts again after a short pause. */
        void fail(String why) {
            if (System.nanoTime() < measureEnd) {
                if (failures.incrementAndGet() <= 10) System.err.println("handshaketool: " + why);
            }
            loop.schedule(this::next, RETRY_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }

        void completed(long t101, long end) {
            long t0 = cycleStart;
            if (end >= measureStart && end <= measureEnd) {
                completedInWindow++;
                if (t0 >= measureStart) {
                    handshakeLatency.record(t101 - t0);
                    cycleLatency.record(end - t0);
                }
            }
            next();
        }
    }

    /**
     * One connection's life, as a handler at the end of its pipeline, on raw bytes: the pre-built upgrade request,
     * the response head read up to its blank line and checked, then {@link RawFrames.Parser} over the frames. Ends
     * with exactly one completed() or fail().
     */
    private final class Cycle extends ChannelInboundHandlerAdapter {
        /** The longest response head taken (HttpClientCodec's default limit for the initial line and headers). */
        private static final int MAX_HEAD = 8192;

        private final Slot slot;
        private final RawFrames.Parser parser = new RawFrames.Parser();
        /** The response head so far; the 101's head (about 130 B) fits the first size. */
        private byte[] head = new byte[256];
        private int headLength;
        private long t101;
        private boolean echoed;
        private boolean closeReplied;
        private boolean over;
        private ScheduledFuture<?> timer;

        Cycle(Slot slot) {
            this.slot = slot;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            // Over TLS, SslHandler holds the request until its handshake is done.
            ctx.writeAndFlush(upgradeRequest.duplicate(), ctx.voidPromise());
            timer = ctx.executor().schedule(() -> end(ctx, "the upgrade got no 101 within "
                    + UPGRADE_TIMEOUT_MILLIS + " ms"), UPGRADE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf in)) {
                ReferenceCountUtil.release(msg);
                end(ctx, "not bytes: " + msg.getClass().getSimpleName());
                return;
            }
            try {
                if (over) return;
                if (t101 == 0 && !readHead(ctx, in)) return;
                int r;
                while ((r = parser.next(in)) == RawFrames.Parser.FRAME) {
                    if (!echoed) {
                        String wrong = parser.checkEcho(RawFrames.OP_TEXT, options.size());
                        if (wrong != null) {
                            end(ctx, wrong + " before the echo");
                            return;
                        }
                        echoed = true;
                        ctx.writeAndFlush(closeFrame.duplicate(), ctx.voidPromise());
                    } else if (parser.opcode() == RawFrames.OP_CLOSE && !closeReplied) {
                        closeReplied = true;
                        // RFC 6455 section 7.1.1: the server closes the TCP connection first; channelInactive ends
                        // the cycle. A server that never does is a failure, not a hang.
                        timer = ctx.executor().schedule(() -> end(ctx, "the server did not close the connection "
                                + SERVER_CLOSE_TIMEOUT_MILLIS + " ms after its close frame"),
                                SERVER_CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                    } else {
                        end(ctx, "unexpected " + parser.describe()
                                + (closeReplied ? " after the server's close frame" : " after the echo"));
                        return;
                    }
                }
                if (r == RawFrames.Parser.ERROR) end(ctx, parser.error());
            } finally {
                in.release();
            }
        }

        /**
         * Takes the response head's bytes from {@code in} up to its blank line; true once it has been read and is
         * a 101 accepting the upgrade (then the echo is sent, and what follows in {@code in} is frames).
         */
        private boolean readHead(ChannelHandlerContext ctx, ByteBuf in) {
            while (in.isReadable()) {
                if (headLength == head.length) {
                    if (head.length == MAX_HEAD) {
                        end(ctx, "a response head over " + MAX_HEAD + " B");
                        return false;
                    }
                    head = Arrays.copyOf(head, Math.min(MAX_HEAD, head.length * 2));
                }
                byte b = in.readByte();
                head[headLength++] = b;
                if (b == '\n' && headLength >= 4 && head[headLength - 2] == '\r' && head[headLength - 3] == '\n'
                        && head[headLength - 4] == '\r') {
                    String wrong = RawFrames.checkUpgradeResponse(
                            new String(head, 0, headLength - 4, StandardCharsets.ISO_8859_1), expectedAccept);
                    if (wrong != null) {
                        end(ctx, wrong);
                        return false;
                    }
                    t101 = System.nanoTime();
                    timer.cancel(false);
                    timer = null;
                    ctx.writeAndFlush(echoFrame.duplicate(), ctx.voidPromise());
                    return true;
                }
            }
            return false;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (closeReplied && !over) {
                over = true;
                if (timer != null) timer.cancel(false);
                slot.completed(t101, System.nanoTime());
            } else {
                end(ctx, "connection closed " + (t101 == 0 ? "before the 101" : echoed ? "before the close reply"
                        : "before the echo"));
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            end(ctx, cause.toString());
        }

        private void end(ChannelHandlerContext ctx, String why) {
            if (over) return;
            over = true;
            if (timer != null) timer.cancel(false);
            ctx.close();
            slot.fail(ctx.channel().remoteAddress() + ": " + why);
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("handshaketool: " + e.getMessage());
            System.err.println("usage: HandshakeTool --url ws://HOST:PORT/PATH [--slots N] [--size S] [--warmup SEC]"
                    + " [--duration SEC] [--threads T]");
            System.exit(2);
            return;
        }
        Report r = new HandshakeTool(o).run();
        System.err.printf(Locale.ROOT, "handshaketool: %s %d slots, %d B echo: %.0f handshakes/s, connect->101 p50 %.0f"
                        + " us p99 %.0f us, whole cycle p50 %.0f us p99 %.0f us, client CPU %.2f cores, %d failures%n",
                o.url(), o.slots(), o.size(), r.handshakesPerSecond(), r.handshake().percentile(0.5) / 1e3,
                r.handshake().percentile(0.99) / 1e3, r.cycle().percentile(0.5) / 1e3, r.cycle().percentile(0.99) / 1e3,
                r.cpuCores(), r.failures());
        System.out.println(r.resultLine());
        System.exit(r.failures() == 0 ? 0 : 3);
    }
}
