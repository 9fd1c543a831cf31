package io.corral.handshake;

import io.corral.api.PartialRequest;
import io.corral.api.Request;
import io.corral.api.Term;
import io.corral.config.VersionProfile;
import io.corral.routing.Match;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The upgrade request as handlers see it (a Cowboy Req), with the route's match and the response headers set. */
public final class UpgradeRequest implements Request {
    private final String method;
    private final String version;
    private final String host;
    private final int port;
    private final String path;
    private final String qs;
    private final Map<String, String> headers;
    private final InetSocketAddress peer;
    private final InetSocketAddress local;
    private final Match match;
    private final VersionProfile profile;
    private final int websocketVersion;
    private final Map<String, String> responseHeaders = new LinkedHashMap<>();
    private String scheme = "http";

    public UpgradeRequest(String method, String version, String hostHeader, int defaultPort, String path, String qs,
            Map<String, String> headers, InetSocketAddress peer, InetSocketAddress local, Match match,
            VersionProfile profile, int websocketVersion) {
        this.method = method;
        this.version = version;
        String h = hostHeader == null ? "" : hostHeader;
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon) {
            this.host = h.substring(0, colon).toLowerCase(Locale.ROOT);
            int p;
            try {
                p = Integer.parseInt(h.substring(colon + 1));
            } catch (NumberFormatException e) {
                p = defaultPort;
            }
            this.port = p;
        } else {
            this.host = h.toLowerCase(Locale.ROOT);
            this.port = defaultPort;
        }
        this.path = path;
        this.qs = qs;
        this.headers = Collections.unmodifiableMap(headers);
        this.peer = peer;
        this.local = local;
        this.match = match;
        this.profile = profile;
        this.websocketVersion = websocketVersion;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public String scheme() {
        return scheme;
    }

    /** The connection came over TLS: Cowboy's Req says {@code https} (and 1.x's transport {@code ranch_ssl}). */
    void secure() {
        scheme = "https";
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String qs() {
        return qs;
    }

    @Override
    public List<Map.Entry<String, Term>> parseQs() {
        List<Map.Entry<String, Term>> out = new ArrayList<>();
        if (qs.isEmpty()) return out;
        for (String pair : qs.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            // cow_qs:parse_qs/1: a name alone is {Name, true}; "name=" is {Name, <<>>}.
            Term v = eq < 0 ? Term.atom("true") : Term.binary(decode(pair.substring(eq + 1)));
            out.add(new AbstractMap.SimpleImmutableEntry<>(decode(k), v));
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    @Override
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public List<Map.Entry<String, String>> parseCookies() {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        String c = header("cookie");
        if (c == null) return out;
        for (String part : c.split(";")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            out.add(new AbstractMap.SimpleImmutableEntry<>(eq < 0 ? "" : p.substring(0, eq).trim(),
                    eq < 0 ? p : p.substring(eq + 1).trim()));
        }
        return out;
    }

    @Override
    public InetSocketAddress peer() {
        return peer;
    }

    public InetSocketAddress local() {
        return local;
    }

    @Override
    public Map<String, String> bindings() {
        return match.bindings();
    }

    @Override
    public List<String> pathInfo() {
        return match.pathInfo();
    }

    @Override
    public List<String> hostInfo() {
        return match.hostInfo();
    }

    /** Comma-separated tokens, case kept as sent ({@code cow_http_hd:parse_sec_websocket_protocol_req}). */
    @Override
    public List<String> subprotocols() {
        String h = header("sec-websocket-protocol");
        if (h == null) return null;
        List<String> out = new ArrayList<>();
        for (String t : h.split(",")) {
            String s = t.trim();
            if (!s.isEmpty()) out.add(s);
        }
        return out;
    }

    @Override
    public void setResponseHeader(String name, String value) {
        responseHeaders.put(name.toLowerCase(Locale.ROOT), value);
    }

    @Override
    public Map<String, String> responseHeaders() {
        return Collections.unmodifiableMap(responseHeaders);
    }

    @Override
    public PartialRequest partial() {
        return new PartialRequest(method, version, scheme(), host, port, path, qs, peer);
    }

    public Match match() {
        return match;
    }

    public VersionProfile profile() {
        return profile;
    }

    /** 7, 8 or 13. */
    public int websocketVersion() {
        return websocketVersion;
    }

    /** Whether the client offered permessage-deflate. */
    public boolean compressOffered() {
        String e = header("sec-websocket-extensions");
        return e != null && e.toLowerCase(Locale.ROOT).contains("permessage-deflate");
    }
}
