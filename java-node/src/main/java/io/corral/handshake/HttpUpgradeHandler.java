package io.corral.handshake;

import io.corral.api.HandlerOptions;
import io.corral.config.ListenerSettings;
import io.corral.config.OriginCheck;
import io.corral.config.VersionProfile;
import io.corral.connection.ConnectionProcess;
import io.corral.connection.ConnectionStats;
import io.corral.connection.HandlerEndpoint;
import io.corral.connection.HandlerEndpoint.InitDecision;
import io.corral.connection.ServerContext;
import io.corral.connection.WsConnection;
import io.corral.routing.Lookup;
import io.corral.routing.Match;
import com.ericsson.otp.erlang.OtpErlangAtom;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.net.InetSocketAddress;
import io.netty.handler.codec.DateFormatter;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of a connection: routes the request, checks the upgrade headers as Cowboy does (section 18), runs
 * the handler's init, then either answers over HTTP or writes the 101 and turns the pipeline into a WebSocket one.
 *
 * <p>The HTTP decoder is taken out as soon as the request is complete, so bytes the client sent right behind the
 * upgrade request are not parsed as HTTP: they come here as raw bytes and are handed to the frame decoder after the
 * 101 (Cowboy 2.7+), or dropped (earlier versions).
 */
public final class HttpUpgradeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HttpUpgradeHandler.class);

    private final ServerContext server;
    private final ListenerSettings limits;
    private HttpRequest request;
    private CompositeByteBuf leftover;
    private boolean decided;
    /** The client's FIN came in (the listener allows half-closure). */
    private boolean inputShut;
    /** Set once the connection state machine owns the process: from then on it ends it. */
    private boolean upgraded;

    /** The frame size limit is CowboyFrameDecoder's (it can change at runtime); Netty's is only a ceiling. */
    private static final WebSocketDecoderConfig DECODER = decoderConfig(false), DECODER_WITH_EXTENSIONS = decoderConfig(true);

    private static WebSocketDecoderConfig decoderConfig(boolean extensions) {
        return WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(Integer.MAX_VALUE)
                .allowExtensions(extensions)
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .closeOnProtocolViolation(false)
                .build();
    }

    public HttpUpgradeHandler(ServerContext server, ListenerSettings limits) {
        this.server = server;
        this.limits = limits;
    }

    /** The handler that enforces {@code request_timeout}; it goes in front of the HTTP decoder. */
    public static ChannelInboundHandlerAdapter requestTimeout(ListenerSettings limits) {
        return new RequestTimeout(limits.requestTimeoutMillis());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case HttpRequest req -> {
                if (request == null) request = req;
                if (req instanceof LastHttpContent last) {
                    last.release();
                    onRequest(ctx);
                } else if (req.decoderResult().isFailure() && !decided) {
                    // Netty hands over the partial request when the header block is too long: no content follows.
                    onRequest(ctx);
                }
            }
            case HttpContent c -> {
                boolean last = c instanceof LastHttpContent;
                c.release();
                if (last && request != null && !decided) onRequest(ctx);
            }
            case ByteBuf b -> {
                if (leftover == null) leftover = ctx.alloc().compositeBuffer();
                leftover.addComponent(true, b);
            }
            default -> ctx.fireChannelRead(msg);
        }
    }

    private void onRequest(ChannelHandlerContext ctx) {
        decided = true;
        if (ctx.pipeline().get(RequestTimeout.class) != null) ctx.pipeline().remove(RequestTimeout.class);
        HttpRequest req = request;
        // Not kept: this handler lives as long as the connection (its close listener below), and Netty's request
        // with its headers is over a kilobyte per idle connection. What the session needs is copied out of it here.
        request = null;
        HandshakeCheck.Refuse overLimit = req.decoderResult().isFailure()
                ? HandshakeCheck.decoderFailure(req.decoderResult().cause())
                : HandshakeCheck.limits(req.headers(), limits);
        if (overLimit != null) {
            log.debug("refused request from {}: {} ({})", ctx.channel().remoteAddress(), overLimit.status(), overLimit.why());
            respond(ctx, overLimit.status(), overLimit.headers(), new byte[0], null);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String rawPath = uri.rawPath();
        String qs = uri.rawQuery();
        String hostHeader = req.headers().get(HttpHeaderNames.HOST, "");
        String host = hostHeader;
        // cowboy_router: an unknown host or a malformed path is 400, an unknown path 404.
        Lookup lookup = server.router().lookup(host, rawPath);
        if (lookup instanceof Lookup.Miss miss) {
            respond(ctx, miss.status(), Map.of(), new byte[0], null);
            return;
        }
        Match match = (Match) lookup;
        HandlerEndpoint endpoint = server.endpoint(match.route());
        VersionProfile profile = server.profileFor(match.route(), endpoint);
        HttpHeaders h = req.headers();

        HandshakeCheck.Outcome outcome = HandshakeCheck.check(req.method(), req.protocolVersion(), h, profile);
        if (outcome instanceof HandshakeCheck.Refuse r) {
            log.debug("refused upgrade of {} from {}: {} ({})", rawPath, ctx.channel().remoteAddress(), r.status(), r.why());
            respond(ctx, r.status(), r.headers(), new byte[0], null);
            return;
        }
        HandshakeCheck.Accept accepted = (HandshakeCheck.Accept) outcome;
        // The route's origin list replaces the listener's; either empty means no check (Cowboy has none).
        java.util.List<String> origins = match.route().allowedOrigins().isEmpty() ? limits.allowedOrigins()
                : match.route().allowedOrigins();
        if (!OriginCheck.allowed(origins, h.get(HttpHeaderNames.ORIGIN))) {
            log.debug("refused upgrade of {} from {}: origin {} not allowed", rawPath, ctx.channel().remoteAddress(),
                    h.get(HttpHeaderNames.ORIGIN));
            respond(ctx, 403, Map.of(), new byte[0], null);
            return;
        }
        int wsVersion = accepted.websocketVersion();

        // From here on the socket speaks WebSocket or nothing: stop parsing HTTP and stop reading until decided.
        ctx.channel().config().setAutoRead(false);
        HttpServerCodec codec = ctx.pipeline().get(HttpServerCodec.class);
        if (codec != null) codec.removeInboundHandler();

        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : h) {
            headers.merge(e.getKey().toLowerCase(Locale.ROOT), e.getValue(), (a, b) -> a + ", " + b);
        }
        InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
        InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
        UpgradeRequest upgrade = new UpgradeRequest(req.method().name(), req.protocolVersion().text(), hostHeader,
                local.getPort(), rawPath, qs, headers, peer, local, match, profile, wsVersion);
        if (ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null) upgrade.secure();
        ConnectionProcess process = new ConnectionProcess(ctx.channel().eventLoop(), server.processes(), server.localGroups());
        // A client gone before the decision ends the process; a linked proxy goes with it.
        ctx.channel().closeFuture().addListener(f -> {
            if (!upgraded) process.exit(Handshake.CLOSED_BEFORE_UPGRADE);
        });
        endpoint.init(upgrade, process).whenComplete((decision, error) -> ctx.channel().eventLoop().execute(() -> {
            try {
                decide(ctx, endpoint, upgrade, process, accepted,
                        error != null ? new InitDecision.Crash(String.valueOf(error)) : decision);
            } catch (RuntimeException e) {
                // Nothing may escape an event-loop task: the connection ends, and its process with it.
                Unexpected.report(log, "upgrade of " + upgrade.path() + " failed on " + ctx.channel(), e);
                if (!upgraded) process.exit(new OtpErlangAtom("normal"));
                ctx.close();
            }
        }));
    }

    private void decide(ChannelHandlerContext ctx, HandlerEndpoint endpoint, UpgradeRequest req,
            ConnectionProcess process, HandshakeCheck.Accept accepted, InitDecision decision) {
        if (!ctx.channel().isActive()) {
            releaseLeftover();
            return;
        }
        switch (decision) {
            case InitDecision.Crash c -> {
                log.warn("init of {} crashed for {}: {}", endpoint.name(), req.path(), c.description());
                respond(ctx, 500, Map.of(), new byte[0], process);
            }
            case InitDecision.Reply r -> respond(ctx, r.status(), r.headers(), r.body(), process);
            case InitDecision.Upgrade u -> upgrade(ctx, endpoint, req, process, accepted, u);
        }
    }

    private void upgrade(ChannelHandlerContext ctx, HandlerEndpoint endpoint, UpgradeRequest req,
            ConnectionProcess process, HandshakeCheck.Accept accepted, InitDecision.Upgrade u) {
        HandlerOptions options = u.options();
        // Cowboy 1.x compresses when the listener was started with compress, and then speaks x-webkit-deflate-frame
        // only (cowboy_websocket:websocket_extensions/1 @ 1.1.2); 2.x when the handler's options say compress.
        boolean oneX = req.profile().isOneX();
        Compression.Negotiated deflate = (oneX ? limits.compress() : options.compress())
                ? Compression.negotiate(accepted.extensions(), options,
                        oneX ? Compression.Offerable.DEFLATE_FRAME_ONLY : Compression.Offerable.BOTH)
                : null;

        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        HttpHeaders rh = res.headers();
        rh.set(HttpHeaderNames.CONNECTION, "Upgrade");
        rh.set(HttpHeaderNames.UPGRADE, "websocket");
        rh.set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, Handshake.accept(accepted.key()));
        u.responseHeaders().forEach(rh::set);
        if (deflate != null) rh.set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, deflate.responseHeader());
        if (req.profile().dateAndServerOn101) {
            rh.set(HttpHeaderNames.DATE, httpDate());
            rh.set(HttpHeaderNames.SERVER, "Corral");
        }
        ctx.writeAndFlush(res);

        // The 101 is encoded; now the pipeline becomes: frame encoder, frame decoder, [RSV check, inflater,
        // deflater], [UTF-8 validator], connection.
        ChannelPipeline p = ctx.pipeline();
        p.remove(HttpServerCodec.class);
        String me = ctx.name();
        WebSocketDecoderConfig config = deflate != null ? DECODER_WITH_EXTENSIONS : DECODER;
        p.addBefore(me, "ws-encoder", new WebSocket13FrameEncoder(false));
        CowboyFrameDecoder decoder = new CowboyFrameDecoder(config, options.validateUtf8(), options::maxFrameSize);
        p.addBefore(me, "ws-decoder", decoder);
        ConnectionStats stats = new ConnectionStats(server.listener(), req.path(), req.peer(), endpoint.name());
        WsConnection conn = new WsConnection(ctx.channel(), u.session(), options, server.flowFor(req.match().route()),
                process, stats);
        decoder.limitFrom(conn::maxFrameSize);
        if (deflate != null) {
            p.addBefore(me, "ws-rsv", new RsvCheck(deflate.perMessage()));
            p.addBefore(me, "ws-inflate", deflate.extension().newExtensionDecoder());
            p.addBefore(me, "ws-inflate-errors", new InflateErrors());
            p.addBefore(me, "ws-deflate", deflate.newEncoder());
            deflate.bind(conn);
        }
        if (options.validateUtf8()) p.addBefore(me, "ws-utf8", new Utf8FrameValidator(false));
        ByteBuf early = leftover;
        leftover = null;
        upgraded = true;
        p.replace(this, "ws-connection", conn);
        server.opened(conn, req.match().route());
        ctx.channel().closeFuture().addListener(f -> server.closed(conn));
        if (early != null && !req.profile().keepsDataSentWithUpgrade) {
            early.release();
            early = null;
        }
        conn.start(early, inputShut);
    }

    /** IMF-fixdate (RFC 9110 section 5.6.7), zero-padded day, as Cowboy writes it ({@code cowboy_clock}). */
    private static String httpDate() {
        return DateFormatter.format(new Date());
    }

    /** Answers over HTTP and closes: a connection that asked for a WebSocket and did not get one is done. */
    private void respond(ChannelHandlerContext ctx, int status, Map<String, String> headers, byte[] body,
            ConnectionProcess process) {
        releaseLeftover();
        server.refused(status);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        headers.forEach(res.headers()::set);
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (!res.headers().contains(HttpHeaderNames.CONNECTION)) res.headers().set(HttpHeaderNames.CONNECTION, "close");
        res.headers().set(HttpHeaderNames.DATE, httpDate());
        res.headers().set(HttpHeaderNames.SERVER, "Corral");
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        if (process != null) process.exit(new OtpErlangAtom("normal"));
    }

    private void releaseLeftover() {
        if (leftover != null) {
            leftover.release();
            leftover = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseLeftover();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
            // The client half-closed. Before its request is complete it is gone, as a closed socket was before the
            // listener allowed half-closure; once the request is in, the answer (a refusal, or the 101 and the
            // session, which handles the shutdown after the frames sent with the request) is still written.
            inputShut = true;
            if (!decided) {
                releaseLeftover();
                ctx.close();
            }
            return;
        }
        if (evt instanceof io.netty.channel.socket.ChannelInputShutdownReadComplete) return;
        if (evt == RequestTimeout.EXPIRED) {
            if (!decided) {
                decided = true;
                log.debug("request_timeout on {}: 408", ctx.channel().remoteAddress());
                respond(ctx, 408, Map.of(), new byte[0], null);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.io.IOException || cause instanceof io.netty.handler.codec.DecoderException) {
            // A client that resets or sends what the decoder cannot take: expected, one line at DEBUG.
            log.debug("closing {} before the upgrade: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            Unexpected.report(log, "unexpected error on " + ctx.channel() + " before the upgrade", cause);
        }
        ctx.close();
    }
}
