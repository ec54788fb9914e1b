package org.wsol.common.http;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.wsol.common.config.Defaults;
import org.wsol.common.config.Settings;

/**
 * The health and metrics endpoints (and the results API, on the same server) listen on loopback
 * unless told otherwise.
 */
class HealthServerBindTest {
  @Test
  void defaultHostIsLoopbackAndUnreachableFromOtherAddresses() throws Exception {
    String host = Settings.of(Defaults.VALUES).get("http.host");
    try (HealthServer server =
        new HealthServer(host, 0, HealthServer.newRegistry(), () -> true).start()) {
      assertTrue(server.address().getAddress().isLoopbackAddress(), "bound to " + server.address());
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        assertTrue(s.isConnected());
      }
      Optional<InetAddress> outside = nonLoopbackAddress();
      if (outside.isPresent()) {
        assertThrows(
            IOException.class,
            () -> new Socket().connect(new InetSocketAddress(outside.get(), server.port()), 2000),
            "reachable on " + outside.get() + " although bound to loopback");
      }
    }
  }

  @Test
  void httpHostWidensIt() {
    try (HealthServer server =
        new HealthServer("0.0.0.0", 0, HealthServer.newRegistry(), () -> true).start()) {
      assertTrue(server.address().getAddress().isAnyLocalAddress(), "bound to " + server.address());
    }
  }

  /** An address of this machine that is not loopback (e.g. its Ethernet address), if it has one. */
  static Optional<InetAddress> nonLoopbackAddress() throws IOException {
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nif.isUp() && !nif.isLoopback()) {
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          if (a instanceof java.net.Inet4Address && !a.isLoopbackAddress()) {
            return Optional.of(a);
          }
        }
      }
    }
    return Optional.empty();
  }
}
