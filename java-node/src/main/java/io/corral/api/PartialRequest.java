package io.corral.api;

import java.net.InetSocketAddress;

/**
 * What Cowboy 2.x's default {@code req_filter} keeps of the Req for {@code terminate/3}.
 *
 * @param method the request method ({@code GET})
 * @param version the HTTP version ({@code HTTP/1.1})
 * @param scheme {@code http} or {@code https}
 * @param host the host, from the {@code host} header
 * @param port the port, from the {@code host} header or the scheme's default
 * @param path the path
 * @param qs the query string, without {@code ?}
 * @param peer the client's address
 */
public record PartialRequest(String method, String version, String scheme, String host, int port, String path,
        String qs, InetSocketAddress peer) {}
