package io.corral.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cowboy 1.x's Req for Java handlers kept in the 1.x shape: immutable, threaded through every callback and handed
 * back in each result, as {@code cowboy_req} 1.x does. Accessors return the value directly (the {@code {Value, Req}}
 * pair of Erlang is Java's return value plus the unchanged Req); {@link #setRespHeader} and {@link #reply} return a
 * new Req.
 */
public final class Req1 {
    private final Request request;
    private final Map<String, String> respHeaders;
    private final Integer replied;
    private final Map<String, Object> meta;

    private Req1(Request request, Map<String, String> respHeaders, Integer replied, Map<String, Object> meta) {
        this.request = request;
        this.respHeaders = Map.copyOf(respHeaders);
        this.replied = replied;
        this.meta = Map.copyOf(meta);
    }

    /**
     * Made by the engine for each connection.
     *
     * @param request the upgrade request
     * @param meta the values {@link #meta} answers
     * @return the Req
     */
    public static Req1 of(Request request, Map<String, Object> meta) {
        return new Req1(request, new LinkedHashMap<>(request.responseHeaders()), null, meta);
    }

    /**
     * {@code header/2}.
     *
     * @param name the header's name, lower case
     * @return its value, or null
     */
    public String header(String name) {
        return request.header(name);
    }

    /**
     * {@code header/3}.
     *
     * @param name the header's name, lower case
     * @param def what to answer when it is absent
     * @return its value, or {@code def}
     */
    public String header(String name, String def) {
        String v = request.header(name);
        return v == null ? def : v;
    }

    /**
     * {@code headers/1}.
     *
     * @return every header, names lower case
     */
    public Map<String, String> headers() {
        return request.headers();
    }

    /**
     * {@code parse_header(<<"sec-websocket-protocol">>, Req)}: the offered tokens, or null.
     *
     * @return the offered tokens in order, or null
     */
    public List<String> subprotocols() {
        return request.subprotocols();
    }

    /**
     * {@code binding/2}.
     *
     * @param name the binding's name
     * @return its value, or null
     */
    public String binding(String name) {
        return request.binding(name);
    }

    /**
     * {@code bindings/1}: a list in 1.x; here an ordered map.
     *
     * @return binding name to value
     */
    public Map<String, String> bindings() {
        return request.bindings();
    }

    /**
     * {@code qs/1}.
     *
     * @return the raw query string, without {@code ?}
     */
    public String qs() {
        return request.qs();
    }

    /**
     * {@code qs_val/2}: the first value of {@code name} (a binary, or the atom {@code true} for a flag), or null.
     *
     * @param name the key
     * @return its first value, or null
     */
    public Term qsVal(String name) {
        for (Map.Entry<String, Term> e : request.parseQs()) if (e.getKey().equals(name)) return e.getValue();
        return null;
    }

    /**
     * {@code qs_vals/1}: every pair, values as {@link Request#parseQs()} gives them.
     *
     * @return the pairs, in order
     */
    public List<Map.Entry<String, Term>> qsVals() {
        return request.parseQs();
    }

    /**
     * {@code cookie/2}.
     *
     * @param name the cookie's name
     * @return its value, or null
     */
    public String cookie(String name) {
        for (Map.Entry<String, String> e : request.parseCookies()) if (e.getKey().equals(name)) return e.getValue();
        return null;
    }

    /**
     * {@code cookies/1}.
     *
     * @return name and value pairs, in order
     */
    public List<Map.Entry<String, String>> cookies() {
        return request.parseCookies();
    }

    /**
     * {@code path/1}.
     *
     * @return the path
     */
    public String path() {
        return request.path();
    }

    /**
     * {@code method/1}.
     *
     * @return the method
     */
    public String method() {
        return request.method();
    }

    /**
     * {@code host/1}.
     *
     * @return the host
     */
    public String host() {
        return request.host();
    }

    /**
     * {@code port/1}.
     *
     * @return the port
     */
    public int port() {
        return request.port();
    }

    /**
     * {@code peer/1}.
     *
     * @return the client's address and port
     */
    public java.net.InetSocketAddress peer() {
        return request.peer();
    }

    /**
     * {@code meta(websocket_version, Req)} and {@code meta(websocket_compress, Req)}.
     *
     * @param name {@code websocket_version} or {@code websocket_compress}
     * @return its value, or null
     */
    public Object meta(String name) {
        return meta.get(name);
    }

    /**
     * {@code set_resp_header/3}.
     *
     * @param name the header's name (stored lower case)
     * @param value its value
     * @return a new Req with the header set
     */
    public Req1 setRespHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(respHeaders);
        h.put(name.toLowerCase(java.util.Locale.ROOT), value);
        return new Req1(request, h, replied, meta);
    }

    /**
     * The response headers set so far.
     *
     * @return the headers set so far
     */
    public Map<String, String> respHeaders() {
        return respHeaders;
    }

    /**
     * {@code cowboy_req:reply(Status, Req)}: answers over HTTP before a {@code {shutdown, Req}}.
     *
     * @param status the HTTP status
     * @return a new Req that has replied
     */
    public Req1 reply(int status) {
        return new Req1(request, respHeaders, status, meta);
    }

    /**
     * The status replied, or null.
     *
     * @return the status, or null
     */
    public Integer replied() {
        return replied;
    }
}
