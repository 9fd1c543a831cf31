package io.corral.handshake;

import io.corral.api.DeflateOptions;
import io.corral.api.HandlerOptions;
import io.corral.connection.WsConnection;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.compression.DeflateFrameServerExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compression as Cowboy negotiates it: permessage-deflate (RFC 7692) with Cowboy's rules for which side wins
 * (cow_ws:negotiate_permessage_deflate/3), and x-webkit-deflate-frame (cow_ws:negotiate_x_webkit_deflate_frame/3,
 * which takes no parameters). The decision and the response header are Cowboy's, computed here; the inflater is
 * Netty's, built by its extension handshakers from the decided parameters (Netty's own negotiation answers differently:
 * it declines offers Cowboy accepts and words its answer its own way), the deflater is {@link DeflateEncoder}. The
 * encoder reads the connection's {@code {deflate, Bool}} switch, so a handler can send some messages uncompressed.
 */
final class Compression {
    private Compression() {}

    /** Which extension family an endpoint may negotiate. */
    enum Offerable {
        /** Cowboy 2.x with {@code compress => true}: permessage-deflate and x-webkit-deflate-frame. */
        BOTH,
        /** Cowboy 1.x with the listener's {@code compress}: x-webkit-deflate-frame only (1.x ignores permessage-deflate). */
        DEFLATE_FRAME_ONLY
    }

    /** An accepted offer: its response header, the extension, and the switch the encoder consults. */
    static final class Negotiated {
        private final WebSocketServerExtension extension;
        private final String responseHeader;
        private final boolean perMessage;
        private final boolean serverNoContext;
        private final int serverWindowBits;
        private final DeflateOptions options;
        private volatile WsConnection connection;

        private Negotiated(WebSocketServerExtension extension, String responseHeader, boolean perMessage,
                boolean serverNoContext, int serverWindowBits, DeflateOptions options) {
            this.extension = extension;
            this.responseHeader = responseHeader;
            this.perMessage = perMessage;
            this.serverNoContext = serverNoContext;
            this.serverWindowBits = serverWindowBits;
            this.options = options;
        }

        /** The outgoing side: Corral's encoder (see {@link DeflateEncoder} for why not Netty's). */
        DeflateEncoder newEncoder() {
            return new DeflateEncoder(perMessage, serverNoContext, serverWindowBits, options, () -> !skip());
        }

        WebSocketServerExtension extension() {
            return extension;
        }

        String responseHeader() {
            return responseHeader;
        }

        /** permessage-deflate (RSV1 on a message's first frame only) rather than a per-frame extension. */
        boolean perMessage() {
            return perMessage;
        }

        void bind(WsConnection c) {
            connection = c;
        }

        boolean skip() {
            WsConnection c = connection;
            return c != null && !c.deflateEnabled();
        }
    }

    /** What Cowboy's permessage-deflate negotiation decided: the answer's parameters and the codecs' settings. */
    record Decision(String responseHeader, boolean serverNoContext, int serverWindowBits, boolean clientNoContext,
            int clientWindowBits) {}

    /**
     * Negotiates the first offer Cowboy would accept, in the client's order (Cowboy negotiates each offer in turn and
     * ignores the rest once one is accepted); null when none.
     */
    static Negotiated negotiate(List<ExtensionOffers.Offer> offers, HandlerOptions options, Offerable offerable) {
        // The inflater's buffer may grow to twice max_frame_size. Netty's zlib decoder (JdkZlibDecoder, through
        // ZlibDecoder.prepareDecompressBuffer) fails once the buffer is at its cap and has less room than it asks
        // for next (twice the input left, at least a few hundred bytes), not when the output passes the cap: with
        // the cap at the limit, messages inflating to 999,489-1,000,000 bytes were refused under a 1,000,000
        // limit. Twice the limit leaves that room for any frame the decoder let in (at most max_frame_size bytes
        // of input); the cap stays a bound against bombs, and the connection checks the inflated size against
        // max_frame_size exactly (WsConnection: 1009 above it).
        int maxAllocation = options.maxFrameSize() == HandlerOptions.INFINITY ? 0
                : (int) Math.min(options.maxFrameSize(), Integer.MAX_VALUE / 2) * 2;
        DeflateOptions o = options.deflate();
        for (ExtensionOffers.Offer offer : offers) {
            String name = offer.name(); // Cowboy matches the names and parameters exactly as written
            if (name.equals("permessage-deflate") && offerable == Offerable.BOTH) {
                Decision d = permessageDeflate(offer, o);
                if (d == null) continue;
                return perMessage(d, o, maxAllocation);
            }
            // 1.x takes the offer only without parameters ({<<"x-webkit-deflate-frame">>, []}); 2.x ignores them.
            if ((name.equals("x-webkit-deflate-frame") || name.equals("deflate-frame"))
                    && (offerable == Offerable.BOTH || offer.data().parameters().isEmpty())) {
                return deflateFrame(offer.name(), o, maxAllocation);
            }
        }
        return null;
    }

    /** cow_ws:negotiate_permessage_deflate/3, as a pure function of the offer and the handler's deflate_opts. */
    static Decision permessageDeflate(ExtensionOffers.Offer offer, DeflateOptions o) {
        if (offer.repeated()) return null; // a parameter given twice: the offer is ignored
        boolean serverNoContext = !o.serverContextTakeover();
        boolean clientNoContext = !o.clientContextTakeover();
        int serverBits = o.serverMaxWindowBits();
        int clientBits = o.clientMaxWindowBits();
        boolean serverBitsSet = false;
        boolean clientBitsSet = false;
        // Cowboy prepends each answered parameter, so the answer lists them last-decided first.
        Deque<String> answer = new ArrayDeque<>();
        if (serverNoContext) answer.push("server_no_context_takeover");
        if (clientNoContext) answer.push("client_no_context_takeover");
        for (Map.Entry<String, String> p : erlangOrder(offer.data().parameters())) {
            String key = p.getKey();
            String value = p.getValue();
            switch (key) {
                case "client_max_window_bits" -> {
                    clientBitsSet = true;
                    if (value == null) {
                        answer.push("client_max_window_bits=" + clientBits);
                    } else {
                        int bits = windowBits(value);
                        if (bits < 0) return null;
                        if (bits <= clientBits) {
                            clientBits = bits;
                            answer.push("client_max_window_bits=" + value);
                        } else {
                            answer.push("client_max_window_bits=" + clientBits);
                        }
                    }
                }
                case "server_max_window_bits" -> {
                    if (value == null) return null;
                    int bits = windowBits(value);
                    if (bits < 0) return null;
                    if (bits <= serverBits) {
                        serverBits = bits;
                        serverBitsSet = true;
                        answer.push("server_max_window_bits=" + value);
                    }
                    // a larger offer than configured: the configured value is answered below
                }
                case "client_no_context_takeover" -> {
                    if (value != null) return null;
                    if (!clientNoContext) {
                        clientNoContext = true;
                        answer.push("client_no_context_takeover");
                    }
                }
                case "server_no_context_takeover" -> {
                    if (value != null) return null;
                    if (!serverNoContext) {
                        serverNoContext = true;
                        answer.push("server_no_context_takeover");
                    }
                }
                default -> {
                    return null; // an unknown parameter: the offer is ignored
                }
            }
        }
        // RFC 7692 7.1.2.2: a smaller client window cannot be asked of a client that did not offer the parameter.
        if (!clientBitsSet && o.clientMaxWindowBits() < 15) return null;
        if (!serverBitsSet && o.serverMaxWindowBits() != 15) answer.push("server_max_window_bits=" + o.serverMaxWindowBits());
        StringBuilder h = new StringBuilder("permessage-deflate");
        for (String a : answer) h.append("; ").append(a);
        return new Decision(h.toString(), serverNoContext, serverBits, clientNoContext, clientBits);
    }

    /**
     * The order {@code lists:usort/1} gives Cowboy's parsed parameters: {@code {Key, Value}} tuples before bare keys
     * (Erlang's term order puts tuples before binaries), each group sorted by its bytes.
     */
    private static List<Map.Entry<String, String>> erlangOrder(Map<String, String> params) {
        List<Map.Entry<String, String>> out = new ArrayList<>(params.entrySet());
        out.sort(Comparator.<Map.Entry<String, String>>comparingInt(e -> e.getValue() == null ? 1 : 0)
                .thenComparing(Map.Entry::getKey)
                .thenComparing(e -> e.getValue() == null ? "" : e.getValue()));
        return out;
    }

    /** cow_ws:parse_max_window_bits/1: exactly "8" to "15"; -1 otherwise. */
    private static int windowBits(String v) {
        return switch (v) {
            case "8" -> 8;
            case "9" -> 9;
            case "10" -> 10;
            case "11" -> 11;
            case "12" -> 12;
            case "13" -> 13;
            case "14" -> 14;
            case "15" -> 15;
            default -> -1;
        };
    }

    /**
     * Netty's permessage-deflate codecs for a decision: its handshaker, configured to the decided values, is given an
     * offer that names them, so it builds exactly those.
     */
    private static Negotiated perMessage(Decision d, DeflateOptions o, int maxAllocation) {
        Negotiated[] holder = new Negotiated[1];
        // zlib refuses a raw deflate window of 8 bits; Cowboy compresses with 9 when 8 is negotiated
        // (cow_ws:init_permessage_deflate/3) and so does Corral.
        int serverBits = Math.max(9, d.serverWindowBits());
        PerMessageDeflateServerExtensionHandshaker handshaker = new PerMessageDeflateServerExtensionHandshaker(o.level(),
                true, d.clientWindowBits(), true, d.clientNoContext(), serverBits, o.memLevel(), filters(holder),
                maxAllocation);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("server_max_window_bits", Integer.toString(serverBits));
        params.put("client_max_window_bits", null);
        if (d.serverNoContext()) params.put("server_no_context_takeover", null);
        if (d.clientNoContext()) params.put("client_no_context_takeover", null);
        WebSocketServerExtension ext = handshaker.handshakeExtension(new WebSocketExtensionData("permessage-deflate", params));
        if (ext == null) throw new IllegalStateException("Netty declined the decided permessage-deflate parameters " + params);
        holder[0] = new Negotiated(ext, d.responseHeader(), true, d.serverNoContext(), serverBits, o);
        return holder[0];
    }

    /** x-webkit-deflate-frame / deflate-frame: parameters ignored, answered by name, 15-bit windows (cow_ws). */
    private static Negotiated deflateFrame(String name, DeflateOptions o, int maxAllocation) {
        Negotiated[] holder = new Negotiated[1];
        DeflateFrameServerExtensionHandshaker handshaker = new DeflateFrameServerExtensionHandshaker(o.level(), 15,
                o.memLevel(), filters(holder), maxAllocation);
        WebSocketServerExtension ext = handshaker.handshakeExtension(new WebSocketExtensionData(name, Map.of()));
        if (ext == null) throw new IllegalStateException("Netty declined " + name);
        holder[0] = new Negotiated(ext, name, false, false, 15, o);
        return holder[0];
    }

    private static WebSocketExtensionFilterProvider filters(Negotiated[] holder) {
        return new WebSocketExtensionFilterProvider() {
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
    }
}
