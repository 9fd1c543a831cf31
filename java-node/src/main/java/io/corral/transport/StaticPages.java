package io.corral.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;

/**
 * Answers a plain {@code GET} (or {@code HEAD}) of a page's path with the page, before the upgrade handler sees the
 * request; any other request, and every WebSocket upgrade, goes on untouched. For the demo's browser page and the
 * examples' pages: a handful of fixed files, so no file server (no directory paths, no ranges, no caching rules).
 */
public final class StaticPages extends ChannelInboundHandlerAdapter {

    /** One page: its media type ({@code text/html; charset=utf-8}) and bytes. */
    public record Page(String contentType, byte[] body) {}

    /** Where Corral serves its browser client (the demo page's and the examples' script) beside any page. */
    public static final String CLIENT_PATH = "/corral/client.js";

    /**
     * {@code pages} with Corral's browser client added at {@link #CLIENT_PATH} (unless a page of that path is given):
     * a listener that serves pages serves the script they load. No pages, no script.
     */
    public static Map<String, Page> withClient(Map<String, Page> pages) {
        if (pages.isEmpty() || pages.containsKey(CLIENT_PATH)) return pages;
        Map<String, Page> out = new java.util.HashMap<>(pages);
        try (java.io.InputStream in = StaticPages.class.getResourceAsStream("/io/corral/client/client.js")) {
            if (in == null) throw new IllegalStateException("io/corral/client/client.js is missing from the jar");
            out.put(CLIENT_PATH, new Page("text/javascript; charset=utf-8", in.readAllBytes()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Map.copyOf(out);
    }

    private final Map<String, Page> pages;
    /** True from a served request's head to its last content, which is dropped. */
    private boolean swallowing;

    public StaticPages(Map<String, Page> pages) {
        this.pages = pages;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (swallowing) {
            if (msg instanceof LastHttpContent) swallowing = false;
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest req && isPageRequest(req)) {
            Page page = pages.get(new QueryStringDecoder(req.uri()).path());
            swallowing = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    req.method().equals(HttpMethod.HEAD) ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(page.body()));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, page.contentType())
                    .set(HttpHeaderNames.CONTENT_LENGTH, page.body().length)
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                    .set(HttpHeaderNames.CONNECTION, "close")
                    .set(HttpHeaderNames.SERVER, "Corral");
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (msg instanceof HttpRequest || msg instanceof HttpContent) ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }

    private boolean isPageRequest(HttpRequest req) {
        if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) return false;
        // Only a WebSocket upgrade goes on; another Upgrade offer (Java's HttpClient sends h2c) may be ignored
        // (RFC 9110 section 7.8), so the page is served over HTTP/1.1.
        if (req.headers().containsValue(HttpHeaderNames.UPGRADE, "websocket", true)) return false;
        return req.decoderResult().isSuccess() && pages.containsKey(new QueryStringDecoder(req.uri()).path());
    }
}
