package io.corral.api;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * The upgrade request as {@code init} sees it (Cowboy 2.x's Req), plus the response headers the handler sets.
 * Header names are lower case, as in Cowboy.
 */
public interface Request {
    /**
     * The request method.
     *
     * @return {@code GET} for an upgrade
     */
    String method();

    /**
     * "HTTP/1.1"
     *
     * @return the HTTP version
     */
    String version();

    /**
     * The scheme.
     *
     * @return {@code http}, or {@code https} over TLS
     */
    String scheme();

    /**
     * The host, lower case.
     *
     * @return the host, from the {@code host} header
     */
    String host();

    /**
     * The port the client asked for.
     *
     * @return the port, from the {@code host} header or the scheme's default
     */
    int port();

    /**
     * The path.
     *
     * @return the path, without the query string
     */
    String path();

    /**
     * The raw query string, without '?'; empty when there is none.
     *
     * @return the query string
     */
    String qs();

    /**
     * Query string pairs in order, as {@code cowboy_req:parse_qs/1} gives them: each value is a binary
     * ({@link Term#stringValue()}), or the atom {@code true} for a key without '=' ({@code ?flag} gives
     * {@code {<<"flag">>, true}}, so {@code value.isAtom("true")}), which an empty value ({@code ?flag=}, the
     * empty binary) is not.
     *
     * @return the pairs, in order
     */
    List<Map.Entry<String, Term>> parseQs();

    /**
     * A header's value (several occurrences joined with ", "), or null.
     *
     * @param name the header's name, lower case
     * @return its value, or null
     */
    String header(String name);

    /**
     * Every header.
     *
     * @return every header, names lower case
     */
    Map<String, String> headers();

    /**
     * Cookies in order, as {@code cowboy_req:parse_cookies/1}.
     *
     * @return name and value pairs, in order
     */
    List<Map.Entry<String, String>> parseCookies();

    /**
     * The peer, as {@code cowboy_req:peer/1}.
     *
     * @return the client's address and port
     */
    InetSocketAddress peer();

    /**
     * Values bound by the route's {@code :name} segments.
     *
     * @return binding name to value
     */
    Map<String, String> bindings();

    /**
     * One binding, as {@code cowboy_req:binding/2}.
     *
     * @param name the binding's name, without {@code :}
     * @return its value, or null
     */
    default String binding(String name) {
        return bindings().get(name);
    }

    /**
     * Segments matched by {@code [...]} at the end of the path pattern, or null when the route has none.
     *
     * @return the segments, or null
     */
    List<String> pathInfo();

    /**
     * Segments matched by {@code [...]} at the start of the host pattern, or null when the route has none.
     *
     * @return the segments, or null
     */
    List<String> hostInfo();

    /**
     * Offered sub-protocols, as {@code cowboy_req:parse_header(<<"sec-websocket-protocol">>, Req)}; null if absent.
     *
     * @return the offered tokens in order, or null
     */
    List<String> subprotocols();

    /**
     * Sets a header on the 101 (or on the refusal), as {@code cowboy_req:set_resp_header/3}.
     *
     * @param name the header's name
     * @param value its value
     */
    void setResponseHeader(String name, String value);

    /**
     * The response headers set so far.
     *
     * @return the headers set so far
     */
    Map<String, String> responseHeaders();

    /**
     * What {@code terminate} receives: Cowboy's default {@code req_filter}.
     *
     * @return the request, filtered
     */
    PartialRequest partial();
}
