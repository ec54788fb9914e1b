package org.wsol.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost} made at run time with the JDK's own keytool: a
 * PKCS12 keystore (key + certificate, for the broker and, with mutual TLS, the clients) and a
 * PKCS12 truststore holding the certificate. Passwords are random and reach keytool through its
 * environment ({@code -storepass:env}), never its command line.
 */
record TestCertificates(
    Path keystore, String keystorePassword, Path truststore, String truststorePassword) {

  static TestCertificates create(Path dir) throws IOException, InterruptedException {
    String keyPass = "ks-" + UUID.randomUUID();
    String trustPass = "ts-" + UUID.randomUUID();
    Path keystore = dir.resolve("localhost.p12");
    Path cert = dir.resolve("localhost.crt");
    Path truststore = dir.resolve("truststore.p12");
    Map<String, String> env = Map.of("WSOL_TEST_KS_PASS", keyPass, "WSOL_TEST_TS_PASS", trustPass);
    // EC keys: generated in milliseconds, where RSA takes a noticeable while on a busy machine.
    keytool(
        env,
        "-genkeypair",
        "-alias",
        "localhost",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass:env",
        "WSOL_TEST_KS_PASS",
        "-keypass:env",
        "WSOL_TEST_KS_PASS");
    keytool(
        env,
        "-exportcert",
        "-rfc",
        "-alias",
        "localhost",
        "-keystore",
        keystore.toString(),
        "-storepass:env",
        "WSOL_TEST_KS_PASS",
        "-file",
        cert.toString());
    keytool(
        env,
        "-importcert",
        "-noprompt",
        "-alias",
        "localhost-ca",
        "-file",
        cert.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        truststore.toString(),
        "-storepass:env",
        "WSOL_TEST_TS_PASS");
    return new TestCertificates(keystore, keyPass, truststore, trustPass);
  }

  private static void keytool(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
    }
  }
}
