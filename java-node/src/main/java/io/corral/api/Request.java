package io.corral.api;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * The upgrade request as {@code init} sees it (Cowboy 2.x's Req), plus the response headers the handler sets.
 * Header names are lower case, as in Cowboy.
 */
public interface Request {
    String method();

    /** "HTTP/1.1" */
    String version();

    String scheme();

    String host();

    int port();

    String path();

    /** The raw query string, without '?'; empty when there is none. */
    String qs();

    /**
     * Query string pairs in order, as {@code cowboy_req:parse_qs/1} gives them: each value is a binary
     * ({@link Term#stringValue()}), or the atom {@code true} for a key without '=' ({@code ?flag} gives
     * {@code {<<"flag">>, true}}, so {@code value.isAtom("true")}), which an empty value ({@code ?flag=}, the
     * empty binary) is not.
     */
    List<Map.Entry<String, Term>> parseQs();

    /** A header's value (several occurrences joined with ", "), or null. */
    String header(String name);

    Map<String, String> headers();

    /** Cookies in order, as {@code cowboy_req:parse_cookies/1}. */
    List<Map.Entry<String, String>> parseCookies();

    InetSocketAddress peer();

    /** Values bound by the route's {@code :name} segments. */
    Map<String, String> bindings();

    default String binding(String name) {
        return bindings().get(name);
    }

    /** Segments matched by {@code [...]} at the end of the path pattern, or null when the route has none. */
    List<String> pathInfo();

    /** Segments matched by {@code [...]} at the start of the host pattern, or null when the route has none. */
    List<String> hostInfo();

    /** Offered sub-protocols, as {@code cowboy_req:parse_header(<<"sec-websocket-protocol">>, Req)}; null if absent. */
    List<String> subprotocols();

    /** Sets a header on the 101 (or on the refusal), as {@code cowboy_req:set_resp_header/3}. */
    void setResponseHeader(String name, String value);

    Map<String, String> responseHeaders();

    /** What {@code terminate} receives: Cowboy's default {@code req_filter}. */
    PartialRequest partial();
}
