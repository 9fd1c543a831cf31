package io.corral.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made fresh for a test run (BouncyCastle), written as PEM under {@code target/}: a test CA, a server
 * certificate for {@code localhost}/127.0.0.1 signed by it, a client certificate signed by it, and a client
 * certificate from a CA the server does not know. Nothing here is ever committed.
 */
public final class TestCertificates {

    /** One key pair and its certificate, with the PEM files written for them. */
    public record Issued(KeyPair keys, X509Certificate cert, Path certFile, Path keyFile) {}

    public final Path dir;
    public final Issued ca;
    public final Issued server;
    public final Issued client;
    public final Issued strangerClient;
    /** A valid PEM key that belongs to no certificate here. */
    public final Path unrelatedKeyFile;
    /** The server's key again, as encrypted PKCS#8 PEM ("BEGIN ENCRYPTED PRIVATE KEY", AES-256-CBC) under {@link #KEY_PASSWORD}. */
    public final Path encryptedServerKeyFile;
    public static final String KEY_PASSWORD = "corral test key password";
    /** A key of another key pair, encrypted as {@link #encryptedServerKeyFile} is, under {@link #KEY_PASSWORD}. */
    public final Path encryptedUnrelatedKeyFile;

    private TestCertificates(Path dir) throws Exception {
        this.dir = dir;
        ca = issue("ca", "CN=Corral Test CA", null, true, null);
        server = issue("server", "CN=localhost", ca, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        client = issue("client", "CN=Corral Test Client", ca, false, null);
        Issued strangerCa = issue("stranger-ca", "CN=Stranger CA", null, true, null);
        strangerClient = issue("stranger-client", "CN=Stranger Client", strangerCa, false, null);
        unrelatedKeyFile = dir.resolve("unrelated.key");
        writePem(unrelatedKeyFile, rsa().getPrivate());
        encryptedServerKeyFile = dir.resolve("server-encrypted.key");
        Files.writeString(encryptedServerKeyFile, encryptedPem(server.keys.getPrivate(), KEY_PASSWORD));
        encryptedUnrelatedKeyFile = dir.resolve("unrelated-encrypted.key");
        Files.writeString(encryptedUnrelatedKeyFile, encryptedPem(rsa().getPrivate(), KEY_PASSWORD));
    }

    /**
     * What {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} writes: PKCS#8 encrypted with PBES2 (PBKDF2, AES-256-CBC),
     * through BouncyCastle's own provider (the JDK has no cipher named for that OID).
     */
    private static String encryptedPem(java.security.PrivateKey key, String password) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key,
                    new org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder(
                            org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC)
                            .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                            .setPassword(password.toCharArray()).build()));
        }
        return w.toString();
    }

    /** Makes a fresh set in a new directory under {@code target/tls-test/}. */
    public static TestCertificates create() {
        try {
            Path base = Path.of("target", "tls-test");
            Files.createDirectories(base);
            return new TestCertificates(Files.createTempDirectory(base, "certs-").toAbsolutePath());
        } catch (Exception e) {
            throw new IllegalStateException("cannot make test certificates", e);
        }
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, new SecureRandom());
        return g.generateKeyPair();
    }

    private Issued issue(String name, String subject, Issued issuer, boolean isCa, GeneralNames san) throws Exception {
        KeyPair keys = rsa();
        Instant now = Instant.now();
        X500Name subjectName = new X500Name(subject);
        X500Name issuerName = issuer == null ? subjectName : new X500Name(issuer.cert.getSubjectX500Principal().getName());
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                BigInteger.valueOf(new SecureRandom().nextLong() & Long.MAX_VALUE), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(2))), subjectName, keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (isCa) b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        else b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        if (san != null) b.addExtension(Extension.subjectAlternativeName, false, san);
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withRSA")
                .build(issuer == null ? keys.getPrivate() : issuer.keys.getPrivate());
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(signer));
        Path certFile = dir.resolve(name + ".pem");
        Path keyFile = dir.resolve(name + ".key");
        writePem(certFile, cert);
        writePem(keyFile, keys.getPrivate());
        return new Issued(keys, cert, certFile, keyFile);
    }

    private static void writePem(Path file, Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            // A PrivateKey is written as PKCS#8 ("BEGIN PRIVATE KEY"), as openssl genpkey does.
            pem.writeObject(o instanceof java.security.PrivateKey k ? new org.bouncycastle.openssl.PKCS8Generator(
                    org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(k.getEncoded()), null) : o);
        }
        Files.writeString(file, w.toString());
    }

    /** A client context that trusts the test CA and, when {@code identity} is given, presents that certificate. */
    public SSLContext clientContext(Issued identity) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (identity != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("me", identity.keys.getPrivate(), new char[0], new java.security.cert.Certificate[] {identity.cert});
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
