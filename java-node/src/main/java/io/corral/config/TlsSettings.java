package io.corral.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How a listener serves {@code wss://}: the PEM files Cowboy's {@code ranch_ssl} takes as {@code certfile},
 * {@code keyfile} and {@code cacertfile}, and the choices an operator may want to override. Defaults in one place
 * ({@link Builder}).
 *
 * @param certFile the server's certificate chain (PEM, leaf first), Cowboy's {@code certfile}
 * @param keyFile its private key (PEM, PKCS#8 or traditional RSA/EC), Cowboy's {@code keyfile}
 * @param keyPassword the key's password, or null for an unencrypted key
 * @param caFile CA certificates (PEM) that client certificates must chain to, Cowboy's {@code cacertfile}; null for
 *     no client certificates
 * @param clientAuth whether a client certificate is required when {@code caFile} is set
 * @param provider which TLS engine runs the handshakes
 * @param protocols the TLS versions accepted (default TLS 1.3 and 1.2; TLS 1.1 and older are refused, RFC 8996)
 * @param alpn the ALPN protocols offered, most preferred first (default {@code http/1.1}: the upgrade is HTTP/1.1,
 *     RFC 6455 section 4.1; RFC 8441 WebSocket over HTTP/2 would add {@code h2} here)
 */
public record TlsSettings(Path certFile, Path keyFile, String keyPassword, Path caFile, ClientAuth clientAuth,
        Provider provider, List<String> protocols, List<String> alpn) {

    /** The TLS engine. */
    public enum Provider {
        /** OpenSSL (netty-tcnative's BoringSSL) when its native library loads, the JDK's otherwise. */
        AUTO,
        /** OpenSSL only: the start fails when netty-tcnative does not load. */
        OPENSSL,
        /** The JDK's own {@code SSLEngine}. */
        JDK
    }

    /** What is asked of clients when {@code caFile} is set (Cowboy/ssl's {@code verify} and {@code fail_if_no_peer_cert}). */
    public enum ClientAuth {
        /** A client without a certificate chaining to {@code caFile} fails the handshake. */
        REQUIRE,
        /** A certificate is asked for and checked when given; a client without one is let in. */
        OPTIONAL
    }

    public TlsSettings {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(clientAuth, "clientAuth");
        Objects.requireNonNull(provider, "provider");
        protocols = List.copyOf(protocols);
        alpn = List.copyOf(alpn);
        if (protocols.isEmpty()) throw new IllegalArgumentException("at least one TLS protocol version is needed");
    }

    /** TLS 1.3 and 1.2: RFC 8996 deprecates 1.0 and 1.1. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** HTTP/1.1 only: the WebSocket upgrade is an HTTP/1.1 request (RFC 6455 section 4.1). */
    public static final List<String> DEFAULT_ALPN = List.of("http/1.1");

    public static Builder builder(Path certFile, Path keyFile) {
        return new Builder(certFile, keyFile);
    }

    public static final class Builder {
        private final Path certFile;
        private final Path keyFile;
        private String keyPassword;
        private Path caFile;
        private ClientAuth clientAuth = ClientAuth.REQUIRE;
        private Provider provider = Provider.AUTO;
        private List<String> protocols = DEFAULT_PROTOCOLS;
        private List<String> alpn = DEFAULT_ALPN;

        private Builder(Path certFile, Path keyFile) {
            this.certFile = certFile;
            this.keyFile = keyFile;
        }

        public Builder keyPassword(String v) {
            keyPassword = v;
            return this;
        }

        /** Client certificates must chain to these CAs (required by default, see {@link #clientAuth}). */
        public Builder caFile(Path v) {
            caFile = v;
            return this;
        }

        public Builder clientAuth(ClientAuth v) {
            clientAuth = v;
            return this;
        }

        public Builder provider(Provider v) {
            provider = v;
            return this;
        }

        public Builder protocols(List<String> v) {
            protocols = v;
            return this;
        }

        public Builder alpn(List<String> v) {
            alpn = v;
            return this;
        }

        public TlsSettings build() {
            return new TlsSettings(certFile, keyFile, keyPassword, caFile, clientAuth, provider, protocols, alpn);
        }
    }
}
