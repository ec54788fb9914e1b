package org.wsol.results.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.wsol.common.config.Defaults;
import org.wsol.common.config.Settings;

class ResultsConfigTest {
  private static final Settings DEFAULTS = Settings.of(Defaults.VALUES);

  @Test
  void theDefaultsAreParsed() {
    assertEquals(
        new ResultsConfig(Duration.ofSeconds(60), 8080, "", "", 64, 300, 50_000_000),
        ResultsConfig.from(DEFAULTS));
    assertEquals(
        "results-1:8080",
        ResultsConfig.from(DEFAULTS.with("results.advertised.address", "results-1:8080"))
            .advertisedAddress());
  }

  @Test
  void aBadValueNamesItsSetting() {
    for (String[] kv :
        new String[][] {
          {"results.timeout.ms", "0"},
          {"results.timeout.ms", "a minute"},
          {"results.http.port", "http"},
          {"results.stream.max.clients", "many"},
          {"results.previews.max.images", "all"},
          {"results.previews.max.bytes", "50MB"},
        }) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> ResultsConfig.from(DEFAULTS.with(kv[0], kv[1])),
              kv[0] + "=" + kv[1]);
      assertTrue(e.getMessage().contains(kv[0]), e.getMessage());
    }
  }
}
