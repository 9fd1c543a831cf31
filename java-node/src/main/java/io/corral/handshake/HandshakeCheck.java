package io.corral.handshake;

import io.corral.config.ListenerSettings;
import io.corral.config.VersionProfile;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The pure step that decides whether an HTTP request routed to a WebSocket handler may be upgraded: the method, the
 * HTTP version, the upgrade headers, the WebSocket version and the key. No I/O; {@link HttpUpgradeHandler} acts on
 * the answer.
 *
 * <p>Cowboy 2.17 ({@code cowboy_websocket:is_upgrade_request/1}, {@code upgrade/5}) treats anything that is not an
 * HTTP/1.1 GET with {@code connection: upgrade} and {@code upgrade: websocket} as {@code upgrade_required}: 426 with
 * the upgrade headers on HTTP/1.1, 501 otherwise. Cowboy 1.x and 2.0 upgrade a POST or an HTTP/1.0 request, against
 * RFC 6455 section 4.1 (a GET, HTTP/1.1 or higher); Corral refuses them with those versions' refusal status, 400.
 * Cowboy accepts any {@code Sec-WebSocket-Key}; Corral requires base64 of 16 bytes (RFC 6455 section 4.2.1, item 5).
 */
final class HandshakeCheck {
    private HandshakeCheck() {}

    /** The versions Cowboy accepts ({@code cowboy_websocket:websocket_version/2}), newest first for RFC 6455 4.4. */
    static final String SUPPORTED_VERSIONS = "13, 8, 7";

    sealed interface Outcome permits Refuse, Accept {}

    /** Answer with this status and these headers, and do not upgrade. */
    record Refuse(int status, Map<String, String> headers, String why) implements Outcome {}

    /** Upgrade: the client's key, its WebSocket version (7, 8 or 13) and its extension offers (maybe none). */
    record Accept(String key, int websocketVersion, List<ExtensionOffers.Offer> extensions) implements Outcome {}

    /**
     * The request's headers against the listener's limits, as cowboy_http:parse_header/3 and its helpers check
     * them: too many headers, a name or a value too long are 431. Null when within them.
     */
    static Refuse limits(HttpHeaders h, ListenerSettings limits) {
        if (h.size() > limits.maxHeaders()) {
            return new Refuse(431, Map.of(), h.size() + " headers, over max_headers " + limits.maxHeaders());
        }
        for (Map.Entry<String, String> e : h) {
            if (e.getKey().length() > limits.maxHeaderNameLength()) {
                return new Refuse(431, Map.of(), "a header name over max_header_name_length " + limits.maxHeaderNameLength());
            }
            if (e.getValue().length() > limits.maxHeaderValueLength()) {
                return new Refuse(431, Map.of(), "header " + e.getKey() + " over max_header_value_length "
                        + limits.maxHeaderValueLength());
            }
        }
        return null;
    }

    /** What Netty's decoder could not take: a request line too long is 414, a header block too large 431, else 400. */
    static Refuse decoderFailure(Throwable cause) {
        return switch (cause) {
            case TooLongHttpLineException e -> new Refuse(414, Map.of(), "request line over max_request_line_length");
            case TooLongHttpHeaderException e -> new Refuse(431, Map.of(), "header block over its limit");
            default -> new Refuse(400, Map.of(), "malformed request: " + cause);
        };
    }

    static Outcome check(HttpMethod method, HttpVersion version, HttpHeaders h, VersionProfile profile) {
        boolean http11 = version.majorVersion() == 1 && version.minorVersion() == 1;
        boolean upgradeHeaders = h.containsValue(HttpHeaderNames.CONNECTION, "upgrade", true)
                && h.containsValue(HttpHeaderNames.UPGRADE, "websocket", true);
        if (!upgradeHeaders && method.equals(HttpMethod.GET) && http11) {
            // A plain GET: 2.2+ says 426 with the protocol to upgrade to; 1.x and 2.0 say 400.
            return new Refuse(profile.plainRequestStatus, profile.plainRequestStatus == 426
                    ? Map.of("connection", "upgrade", "upgrade", "websocket") : Map.of(), "no upgrade headers");
        }
        if (!upgradeHeaders || !method.equals(HttpMethod.GET) || !http11) {
            String why = !method.equals(HttpMethod.GET) ? "method " + method.name() + " is not GET"
                    : !http11 ? "HTTP version " + version.text() + " is not HTTP/1.1" : "no upgrade headers";
            if (profile.plainRequestStatus != 426) return new Refuse(400, Map.of(), why);
            return http11 ? new Refuse(426, Map.of("connection", "upgrade", "upgrade", "websocket"), why)
                    : new Refuse(501, Map.of(), why);
        }
        String key = h.get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (key == null) return new Refuse(400, Map.of(), "no Sec-WebSocket-Key");
        String v = h.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        int wsVersion = switch (v == null ? "" : v.trim()) {
            case "7" -> 7;
            case "8" -> 8;
            case "13" -> 13;
            default -> -1;
        };
        if (wsVersion < 0) {
            // RFC 6455 section 4.4: a version the server does not speak is answered with the versions it does.
            return new Refuse(400, Map.of("sec-websocket-version", SUPPORTED_VERSIONS),
                    "unsupported Sec-WebSocket-Version " + v);
        }
        if (!isValidKey(key.trim())) return new Refuse(400, Map.of(), "Sec-WebSocket-Key is not base64 of 16 bytes");
        List<ExtensionOffers.Offer> offers = List.of();
        List<String> ext = h.getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
        if (!ext.isEmpty()) {
            // Cowboy parses the header whether or not compression is on, and a malformed one is a 400
            // (cowboy_websocket:websocket_extensions/2 inside upgrade/5's catch).
            offers = ExtensionOffers.parse(String.join(", ", ext));
            if (offers == null) return new Refuse(400, Map.of(), "malformed Sec-WebSocket-Extensions");
        }
        return new Accept(key.trim(), wsVersion, offers);
    }

    /** RFC 6455 section 4.2.1, item 5: "a base64-encoded value that, when decoded, is 16 bytes in length". */
    static boolean isValidKey(String key) {
        if (key.length() != 24) return false;
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
