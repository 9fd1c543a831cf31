package io.corral.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
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
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scale benchmark's client: opens N idle WebSocket connections (Netty, epoll, {@code --threads} event loops) in
 * waves of {@code --wave} (each wave's handshakes finish before the next starts, so the server's accept backlog never
 * holds more than one wave), then obeys commands on stdin, one per line, answering on stdout:
 *
 * <pre>
 * ARM R      -> ARMED R          expect one "bcast R" text frame on every connection
 *            -> DONE R first_us last_us got failures   when every connection has it (wall clock, microseconds
 *                                                       since the epoch: comparable with the Erlang driver's
 *                                                       os:system_time(microsecond) on the same machine)
 * STATUS     -> STATUS got open failures
 * CLOSE      -> CLOSED           close frames sent, sockets closed; then the process exits
 * </pre>
 *
 * At start: {@code CONNECTED n millis} once every handshake is done (or {@code FAILED why} and exit 1).
 *
 * <p>Every connection sends an empty ping every {@code --keepalive-ms} (20 s by default, 0 for none) from its
 * handshake on, as a client of a server with an idle timeout does: a Corral route has Cowboy's 60 s
 * {@code idle_timeout} by default, and opening 20,000 connections on a loaded machine takes longer than that, so
 * without pings the first connections would be closed before the last opened. The server's pongs are dropped by
 * Netty's client handler.
 *
 * <pre>
 * java io.corral.bench.ScaleClient --url ws://127.0.0.1:8080/scale [--connections 10000] [--wave 500] [--threads 1]
 *     [--keepalive-ms 20000]
 * </pre>
 */
public final class ScaleClient {

    private final URI url;
    private final int connections;
    private final int wave;
    private final int threads;
    private final long keepaliveMillis;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    /** The round being waited for; frames of any other round count as failures. */
    private volatile long round = -1;
    private final AtomicInteger got = new AtomicInteger();
    private final AtomicLong firstMicros = new AtomicLong();
    private final AtomicLong lastMicros = new AtomicLong();
    private volatile CountDownLatch allGot = new CountDownLatch(0);

    ScaleClient(URI url, int connections, int wave, int threads, long keepaliveMillis) {
        this.url = url;
        this.connections = connections;
        this.wave = wave;
        this.threads = threads;
        this.keepaliveMillis = keepaliveMillis;
    }

    static long nowMicros() {
        Instant i = Instant.now(); // CLOCK_REALTIME, microsecond resolution on Linux
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    void run() throws Exception {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, io);
        List<Channel> channels = new ArrayList<>(connections);
        try {
            WebSocketClientProtocolConfig ws = WebSocketClientProtocolConfig.newBuilder()
                    .webSocketUri(url).handshakeTimeoutMillis(30_000).withUTF8Validator(false).build();
            Bootstrap b = new Bootstrap().group(group).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                                    new WebSocketClientProtocolHandler(ws), new Conn());
                        }
                    });
            int port = url.getPort() > 0 ? url.getPort() : 80;
            long t0 = System.nanoTime();
            for (int from = 0; from < connections; from += wave) {
                int n = Math.min(wave, connections - from);
                List<ChannelFuture> fs = new ArrayList<>(n);
                for (int i = 0; i < n; i++) fs.add(b.connect(url.getHost(), port));
                for (ChannelFuture f : fs) {
                    if (!f.await(30, TimeUnit.SECONDS) || !f.isSuccess()) {
                        throw new IllegalStateException("connection " + (from + fs.indexOf(f)) + " to " + url
                                + " failed: " + f.cause());
                    }
                    channels.add(f.channel());
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (open.get() < from + n && failures.get() == 0 && System.nanoTime() < deadline) Thread.sleep(2);
                if (failures.get() > 0 || open.get() < from + n) {
                    throw new IllegalStateException((open.get()) + " of " + (from + n) + " handshakes done, "
                            + failures.get() + " failures");
                }
            }
            say("CONNECTED %d %d", open.get(), (System.nanoTime() - t0) / 1_000_000);

            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] w = line.trim().split("\\s+");
                switch (w[0]) {
                    case "ARM" -> {
                        long r = Long.parseLong(w[1]);
                        got.set(0);
                        firstMicros.set(0);
                        lastMicros.set(0);
                        CountDownLatch latch = new CountDownLatch(1);
                        allGot = latch;
                        round = r;
                        say("ARMED %d", r);
                        Thread.ofVirtual().start(() -> {
                            try {
                                latch.await();
                                say("DONE %d %d %d %d %d", r, firstMicros.get(), lastMicros.get(), got.get(),
                                        failures.get());
                            } catch (InterruptedException ignored) {
                                // exiting
                            }
                        });
                    }
                    case "STATUS" -> say("STATUS %d %d %d", got.get(), open.get(), failures.get());
                    case "CLOSE" -> {
                        for (Channel ch : channels) {
                            if (ch.isActive()) ch.writeAndFlush(new CloseWebSocketFrame(1000, "done"));
                        }
                        for (Channel ch : channels) ch.close().await(5, TimeUnit.SECONDS);
                        say("CLOSED");
                        return;
                    }
                    default -> say("ERROR unknown command %s", line);
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    private static synchronized void say(String fmt, Object... args) {
        System.out.println(String.format(java.util.Locale.ROOT, fmt, args));
        System.out.flush();
    }

    /** One connection; all on its event loop. */
    private final class Conn extends ChannelInboundHandlerAdapter {
        private boolean handshaken;
        private long lastRound = -1;
        private ScheduledFuture<?> keepalive;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                handshaken = true;
                open.incrementAndGet();
                if (keepaliveMillis > 0) {
                    keepalive = ctx.executor().scheduleAtFixedRate(() -> ctx.writeAndFlush(new PingWebSocketFrame()),
                            keepaliveMillis, keepaliveMillis, TimeUnit.MILLISECONDS);
                }
            } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                failures.incrementAndGet();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof WebSocketFrame frame)) {
                ctx.fireChannelRead(msg);
                return;
            }
            try {
                long now = nowMicros();
                long r = round;
                if (!(frame instanceof TextWebSocketFrame t) || !t.text().equals("bcast " + r) || lastRound == r) {
                    failures.incrementAndGet(); // a frame nobody asked for, another round's, or a duplicate
                    return;
                }
                lastRound = r;
                firstMicros.compareAndSet(0, now);
                int n = got.incrementAndGet();
                if (n == connections) {
                    lastMicros.set(now);
                    allGot.countDown();
                }
            } finally {
                frame.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (keepalive != null) keepalive.cancel(false);
            if (handshaken) open.decrementAndGet();
            else failures.incrementAndGet();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failures.incrementAndGet();
            System.err.println("scaleclient: " + ctx.channel() + ": " + cause);
            ctx.close();
        }
    }

    public static void main(String[] args) throws Exception {
        URI url = null;
        int connections = 10_000, wave = 500, threads = Runtime.getRuntime().availableProcessors();
        long keepaliveMillis = 20_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--url" -> url = URI.create(args[i + 1]);
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                case "--wave" -> wave = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--keepalive-ms" -> keepaliveMillis = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (url == null) throw new IllegalArgumentException("--url is required");
        try {
            new ScaleClient(url, connections, wave, threads, keepaliveMillis).run();
        } catch (IllegalStateException e) {
            say("FAILED %s", e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }
}
