package io.corral.api;

import java.net.InetSocketAddress;

/** What Cowboy 2.x's default {@code req_filter} keeps of the Req for {@code terminate/3}. */
public record PartialRequest(String method, String version, String scheme, String host, int port, String path,
        String qs, InetSocketAddress peer) {}
