package io.corral.handshake;

import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code Sec-WebSocket-Extensions} (RFC 6455 section 9.1) with the grammar Cowboy 2.17 applies
 * ({@code cow_http_hd:parse_sec_websocket_extensions/1}): extension names and parameter names are tokens, a value is a
 * token or a quoted string of token characters, and anything else makes the header malformed (Cowboy answers 400).
 *
 * <p>Hand-written because Netty's {@code WebSocketExtensionUtil.extractExtensions} is lenient where Cowboy is not and
 * throws {@code ArrayIndexOutOfBoundsException} on input such as {@code ";"}. Parameters keep their order; a repeated
 * name is kept once in the map and reported through {@link Offer#repeated()} (Cowboy ignores such an offer).
 */
final class ExtensionOffers {
    private ExtensionOffers() {}

    /** One offered extension: Netty's data (bare parameters map to null) and whether a parameter name repeats. */
    record Offer(WebSocketExtensionData data, boolean repeated) {
        String name() {
            return data.name();
        }
    }

    /** The offers in order, or null when the header is malformed. An empty or comma-only header is malformed too. */
    static List<Offer> parse(String header) {
        List<Offer> out = new ArrayList<>();
        int i = 0, n = header.length();
        while (true) {
            while (i < n && (isWs(header.charAt(i)) || header.charAt(i) == ',')) i++;
            if (i == n) return out.isEmpty() ? null : out;
            int start = i;
            while (i < n && isToken(header.charAt(i))) i++;
            if (i == start) return null;
            String name = header.substring(start, i);
            Map<String, String> params = new LinkedHashMap<>();
            boolean repeated = false;
            // after the name or a parameter: spaces, then ',' (next extension), ';' (a parameter) or the end
            while (true) {
                while (i < n && isWs(header.charAt(i))) i++;
                if (i == n || header.charAt(i) == ',') break;
                if (header.charAt(i) != ';') return null;
                i++;
                while (i < n && isWs(header.charAt(i))) i++;
                int ks = i;
                while (i < n && isToken(header.charAt(i))) i++;
                if (i == ks) return null;
                String key = header.substring(ks, i);
                String value = null;
                if (i < n && header.charAt(i) == '=') {
                    i++;
                    if (i < n && header.charAt(i) == '"') {
                        i++;
                        StringBuilder v = new StringBuilder();
                        while (true) {
                            if (i == n) return null;
                            char c = header.charAt(i);
                            if (c == '"') {
                                i++;
                                break;
                            }
                            if (c == '\\' && i + 1 < n && isToken(header.charAt(i + 1))) {
                                v.append(header.charAt(i + 1));
                                i += 2;
                            } else if (isToken(c)) {
                                v.append(c);
                                i++;
                            } else {
                                return null;
                            }
                        }
                        value = v.toString();
                    } else {
                        int vs = i;
                        while (i < n && isToken(header.charAt(i))) i++;
                        if (i == vs) return null;
                        value = header.substring(vs, i);
                    }
                }
                if (params.containsKey(key)) repeated = true;
                params.put(key, value);
            }
            out.add(new Offer(new WebSocketExtensionData(name, params), repeated));
            if (i == n) return out;
            i++; // the comma
        }
    }

    private static boolean isWs(char c) {
        return c == ' ' || c == '\t';
    }

    /** tchar, RFC 9110 section 5.6.2. */
    static boolean isToken(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
