package io.corral.transport;

import io.corral.config.TlsSettings;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Builds a listener's server {@link SslContext} from {@link TlsSettings}: Netty's {@link SslContextBuilder}, with
 * OpenSSL (netty-tcnative's BoringSSL) when it loads and the JDK's engine otherwise. Every file is checked here, at
 * start, so a bad certificate stops the start with the file's name instead of failing each handshake later.
 */
public final class Tls {

    /** A TLS setting that cannot be served; the message names the file at fault. */
    public static final class TlsConfigException extends Exception {
        TlsConfigException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The built context and the engine that runs it. */
    public record Context(SslContext sslContext, SslProvider provider) {}

    private Tls() {}

    /** Which engine {@code provider} resolves to here, or the reason it cannot. */
    static SslProvider resolve(TlsSettings.Provider provider) throws TlsConfigException {
        return switch (provider) {
            case JDK -> SslProvider.JDK;
            case AUTO -> OpenSsl.isAvailable() && SslProvider.isAlpnSupported(SslProvider.OPENSSL)
                    ? SslProvider.OPENSSL : SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new TlsConfigException("TLS: OpenSSL (netty-tcnative) does not load here: "
                            + OpenSsl.unavailabilityCause(), OpenSsl.unavailabilityCause());
                }
                yield SslProvider.OPENSSL;
            }
        };
    }

    public static Context build(TlsSettings s) throws TlsConfigException {
        readable(s.certFile(), "TLS certificate file");
        readable(s.keyFile(), "TLS key file");
        if (s.caFile() != null) readable(s.caFile(), "TLS CA file");
        List<X509Certificate> chain = certificates(s.certFile(), "TLS certificate file");
        if (s.caFile() != null) certificates(s.caFile(), "TLS CA file");
        checkKeyMatches(s, chain.getFirst());
        if (s.keyPassword() == null && encrypted(s.keyFile())) {
            throw new TlsConfigException("TLS key file " + s.keyFile() + " is encrypted: give its password"
                    + " (--tls-key-password-file, --tls-key-password or TlsSettings.keyPassword)", null);
        }
        SslProvider provider = resolve(s.provider());
        if (!s.alpn().isEmpty() && !SslProvider.isAlpnSupported(provider)) {
            throw new TlsConfigException("TLS: the " + provider + " engine does not support ALPN here", null);
        }
        try {
            SslContextBuilder b = SslContextBuilder.forServer(s.certFile().toFile(), s.keyFile().toFile(), s.keyPassword())
                    .sslProvider(provider)
                    .protocols(s.protocols());
            if (!s.alpn().isEmpty()) {
                // NO_ADVERTISE/ACCEPT: a client that offers no protocol we speak still gets HTTP/1.1 (the only
                // behaviours the OpenSSL engine supports, and what a server that speaks one protocol wants).
                b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, s.alpn()));
            }
            if (s.caFile() != null) {
                b.trustManager(s.caFile().toFile())
                        .clientAuth(s.clientAuth() == TlsSettings.ClientAuth.REQUIRE ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
            }
            return new Context(b.build(), provider);
        } catch (IllegalArgumentException | SSLException e) {
            // SslContextBuilder's own messages name the file ("File does not contain valid private key: ...").
            throw new TlsConfigException("TLS: " + e.getMessage() + causeOf(e), e);
        }
    }

    /** An encrypted PKCS#8 key, or a traditional OpenSSL key with a {@code Proc-Type: 4,ENCRYPTED} header (RFC 1421). */
    private static boolean encrypted(Path key) throws TlsConfigException {
        try {
            String pem = Files.readString(key, StandardCharsets.US_ASCII);
            return pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || pem.contains("Proc-Type: 4,ENCRYPTED");
        } catch (IOException e) {
            throw new TlsConfigException("TLS key file " + key + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The DER inside {@code -----BEGIN LABEL-----} ... {@code -----END LABEL-----} (RFC 7468), or null if none. */
    private static byte[] pemBlock(String pem, String label, Path file) throws TlsConfigException {
        String begin = "-----BEGIN " + label + "-----", end = "-----END " + label + "-----";
        int from = pem.indexOf(begin), to = pem.indexOf(end);
        if (from < 0 || to < from) return null;
        try {
            return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new TlsConfigException("TLS key file " + file + " is not valid PEM: " + e.getMessage(), e);
        }
    }

    /** PBES2's object identifier (RFC 8018 appendix A.4), what some JDKs give as the algorithm's name. */
    private static final String PBES2_OID = "1.2.840.113549.1.5.13";

    /**
     * An encrypted PKCS#8 key (RFC 5208 section 6) decrypted with the JDK's ciphers, as Netty's own reader does
     * when no BouncyCastle is present ({@code SslContext.generateKeySpec}): the launcher ships none, so this must
     * decrypt what Netty will. PBES2 (what {@code openssl pkcs8 -topk8} writes by default) names its real cipher,
     * e.g. {@code PBEWithHmacSHA256AndAES_256}, in its parameters.
     */
    private static PKCS8EncodedKeySpec decrypt(byte[] der, TlsSettings s) throws TlsConfigException {
        try {
            javax.crypto.EncryptedPrivateKeyInfo info = new javax.crypto.EncryptedPrivateKeyInfo(der);
            String alg = info.getAlgName();
            if (alg.equals(PBES2_OID) || alg.equalsIgnoreCase("PBES2")) alg = info.getAlgParameters().toString();
            javax.crypto.SecretKey pbe = javax.crypto.SecretKeyFactory.getInstance(alg)
                    .generateSecret(new javax.crypto.spec.PBEKeySpec(s.keyPassword().toCharArray()));
            javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance(alg);
            cipher.init(javax.crypto.Cipher.DECRYPT_MODE, pbe, info.getAlgParameters());
            return info.getKeySpec(cipher);
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsConfigException("TLS key file " + s.keyFile() + " cannot be decrypted with the password given"
                    + " (a wrong password, or a cipher this JDK lacks): " + e.getMessage(), e);
        }
    }

    private static String causeOf(Throwable e) {
        return e.getCause() != null && e.getCause().getMessage() != null ? " (" + e.getCause().getMessage() + ")" : "";
    }

    private static void readable(Path p, String what) throws TlsConfigException {
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) throw new TlsConfigException(what + " " + p + " cannot be read", null);
    }

    private static List<X509Certificate> certificates(Path p, String what) throws TlsConfigException {
        try (InputStream in = Files.newInputStream(p)) {
            Collection<? extends java.security.cert.Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = all.stream().map(X509Certificate.class::cast).toList();
            if (out.isEmpty()) throw new TlsConfigException(what + " " + p + " holds no PEM certificate", null);
            return out;
        } catch (CertificateException | IOException e) {
            throw new TlsConfigException(what + " " + p + " holds no valid PEM certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A key that does not belong to the certificate only shows at the first handshake with the JDK engine; for a
     * PKCS#8 key (what {@code openssl genpkey} and most ACME clients write), unencrypted or encrypted (then
     * decrypted here with the password given), it is checked here by a signature the certificate's public key must
     * verify. Other key formats (traditional {@code BEGIN RSA PRIVATE KEY}) are left to Netty's reader.
     */
    private static void checkKeyMatches(TlsSettings s, X509Certificate leaf) throws TlsConfigException {
        String pem;
        try {
            pem = Files.readString(s.keyFile(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new TlsConfigException("TLS key file " + s.keyFile() + " cannot be read: " + e.getMessage(), e);
        }
        PKCS8EncodedKeySpec spec;
        byte[] der = pemBlock(pem, "PRIVATE KEY", s.keyFile());
        if (der != null) {
            spec = new PKCS8EncodedKeySpec(der);
        } else {
            der = pemBlock(pem, "ENCRYPTED PRIVATE KEY", s.keyFile());
            if (der == null || s.keyPassword() == null) return; // no password: build() says that it needs one
            spec = decrypt(der, s);
        }
        PublicKey pub = leaf.getPublicKey();
        try {
            PrivateKey key = KeyFactory.getInstance(pub.getAlgorithm()).generatePrivate(spec);
            String alg = switch (pub.getAlgorithm()) {
                case "RSA" -> "SHA256withRSA";
                case "EC" -> "SHA256withECDSA";
                case "Ed25519", "Ed448", "EdDSA" -> pub.getAlgorithm();
                default -> null;
            };
            if (alg == null) return;
            byte[] probe = "corral key check".getBytes(StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance(alg);
            sign.initSign(key);
            sign.update(probe);
            byte[] sig = sign.sign();
            Signature verify = Signature.getInstance(alg);
            verify.initVerify(pub);
            verify.update(probe);
            if (!verify.verify(sig)) {
                throw new TlsConfigException("TLS key file " + s.keyFile() + " does not match the certificate in "
                        + s.certFile(), null);
            }
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("TLS key file " + s.keyFile() + " does not hold a " + pub.getAlgorithm()
                    + " key for the certificate in " + s.certFile() + ": " + e.getMessage(), e);
        }
    }
}
