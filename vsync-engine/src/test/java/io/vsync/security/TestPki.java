package io.vsync.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throw-away PKI made with the JDK's keytool in a temporary directory, once per JVM (no
 * private key is ever checked in): a cluster CA; a member key store whose certificate, signed
 * by the CA, names 127.0.0.1 (every test member runs on loopback, so they share it); the same
 * key certified for another address; a self-signed "rogue" key the cluster does not trust;
 * an expired certificate; a trust store holding the CA. All passwords are {@link #PASSWORD}.
 */
final class TestPki {
    static final String PASSWORD = "test-store-password";
    private static TestPki instance;

    final Path dir;
    final Path member;
    final Path wrongAddress;
    final Path rogue;
    final Path expired;
    final Path trust;
    final Path caOnly;

    private TestPki(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        Path ca = dir.resolve("ca.p12");
        member = dir.resolve("member.p12");
        wrongAddress = dir.resolve("wrong-address.p12");
        rogue = dir.resolve("rogue.p12");
        expired = dir.resolve("expired.p12");
        trust = dir.resolve("trust.p12");
        caOnly = dir.resolve("ca-cert-only.p12");
        Path caCert = dir.resolve("ca.crt");
        Path csr = dir.resolve("member.csr");
        Path memberCert = dir.resolve("member.crt");
        Path otherCert = dir.resolve("other.crt");

        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=vsync test CA",
                "-ext", "bc:c", "-validity", "30", "-keystore", ca);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-file", caCert, "-keystore", ca);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert, "-keystore", trust);
        keytool("-genkeypair", "-alias", "member", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=vsync member", "-validity", "30", "-keystore", member);
        keytool("-certreq", "-alias", "member", "-file", csr, "-keystore", member);
        keytool("-gencert", "-rfc", "-alias", "ca", "-infile", csr, "-outfile", memberCert, "-ext",
                "san=ip:127.0.0.1", "-validity", "30", "-keystore", ca);
        keytool("-gencert", "-rfc", "-alias", "ca", "-infile", csr, "-outfile", otherCert, "-ext",
                "san=ip:10.99.0.7,dns:other.example", "-validity", "30", "-keystore", ca);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert, "-keystore", member);
        Files.copy(member, wrongAddress);
        keytool("-importcert", "-alias", "member", "-file", memberCert, "-keystore", member);
        keytool("-importcert", "-alias", "member", "-file", otherCert, "-keystore", wrongAddress);
        keytool("-genkeypair", "-alias", "rogue", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=rogue",
                "-ext", "san=ip:127.0.0.1", "-validity", "30", "-keystore", rogue);
        keytool("-genkeypair", "-alias", "old", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=old",
                "-startdate", "-60d", "-validity", "30", "-keystore", expired);
        Files.copy(trust, caOnly);
    }

    /** The PKI of this JVM, made on first use; its directory is deleted when the JVM exits. */
    static synchronized TestPki get() {
        if (instance == null) {
            try {
                Path dir = Files.createTempDirectory("vsync-tls-test");
                instance = new TestPki(dir);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return instance;
    }

    /** A TLS configuration presenting {@code keyStore}'s key and trusting the test CA. */
    TlsConfig config(Path keyStore) {
        return TlsConfig.builder().keyStore(keyStore, PASSWORD.toCharArray()).trustStore(trust, PASSWORD.toCharArray())
                .build();
    }

    private static void keytool(Object... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        for (Object a : args) {
            command.add(a.toString());
        }
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-J-XX:TieredStopAtLevel=1",
                "-J-Xshare:auto"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("keytool " + command.subList(1, 3) + " failed: " + output);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
