package io.corral.handshake;

import io.corral.api.HandlerOptions;
import io.corral.connection.WsConnection;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionUtil;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.util.Map;

/**
 * permessage-deflate (RFC 7692) through Netty's extension handshaker and codecs. The outgoing filter reads the
 * connection's {@code {deflate, Bool}} switch, so a handler can send some frames uncompressed.
 */
final class Compression {
    private Compression() {}

    /** An accepted offer: its response header, the extension, and the switch the encoder consults. */
    static final class Negotiated {
        private final WebSocketServerExtension extension;
        private final String responseHeader;
        private volatile WsConnection connection;

        private Negotiated(WebSocketServerExtension extension, String responseHeader) {
            this.extension = extension;
            this.responseHeader = responseHeader;
        }

        WebSocketServerExtension extension() {
            return extension;
        }

        String responseHeader() {
            return responseHeader;
        }

        void bind(WsConnection c) {
            connection = c;
        }

        boolean skip() {
            WsConnection c = connection;
            return c != null && !c.deflateEnabled();
        }
    }

    /** Accepts the first permessage-deflate offer Netty's handshaker agrees to; null when none. */
    static Negotiated negotiate(java.util.List<ExtensionOffers.Offer> offers, long maxFrameSize) {
        int maxAllocation = maxFrameSize == HandlerOptions.INFINITY ? 0 : (int) Math.min(maxFrameSize, Integer.MAX_VALUE);
        Negotiated[] holder = new Negotiated[1];
        WebSocketExtensionFilterProvider filters = new WebSocketExtensionFilterProvider() {
            @Override
            public WebSocketExtensionFilter encoderFilter() {
                return new WebSocketExtensionFilter() {
                    @Override
                    public boolean mustSkip(WebSocketFrame frame) {
                        return holder[0] != null && holder[0].skip();
                    }
                };
            }

            @Override
            public WebSocketExtensionFilter decoderFilter() {
                return WebSocketExtensionFilter.NEVER_SKIP;
            }
        };
        PerMessageDeflateServerExtensionHandshaker handshaker = new PerMessageDeflateServerExtensionHandshaker(6,
                ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(), 15, false, false, filters, maxAllocation);
        for (ExtensionOffers.Offer offer : offers) {
            WebSocketServerExtension ext = handshaker.handshakeExtension(offer.data());
            if (ext != null) {
                WebSocketExtensionData answer = ext.newReponseData();
                StringBuilder h = new StringBuilder(answer.name());
                for (Map.Entry<String, String> p : answer.parameters().entrySet()) {
                    h.append("; ").append(p.getKey());
                    if (p.getValue() != null) h.append('=').append(p.getValue());
                }
                holder[0] = new Negotiated(ext, h.toString());
                return holder[0];
            }
        }
        return null;
    }
}
