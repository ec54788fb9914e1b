package org.wsol.results.service;

import java.time.Duration;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;

/**
 * The results service's settings as parameters, read in one place. A bad value fails here with the
 * setting's name.
 *
 * @param timeout how long after an image's first box a missing one makes the result incomplete
 * @param httpPort port of the HTTP API and live page (0 = any free port)
 * @param stateDir folder of the state stores; empty = a temporary one (kafka.streams.state.dir
 *     wins)
 * @param advertisedAddress host:port at which other instances reach this one; empty = http.host and
 *     the bound port
 * @param streamMaxClients server-sent-event clients of GET /images/stream
 * @param previewsMaxImages images whose previews the live page keeps (0 = none)
 * @param previewsMaxBytes bound on the memory those previews take
 */
public record ResultsConfig(
    Duration timeout,
    int httpPort,
    String stateDir,
    String advertisedAddress,
    int streamMaxClients,
    int previewsMaxImages,
    long previewsMaxBytes) {

  public static ResultsConfig from(Settings s) {
    long timeoutMs = s.getLong(SettingKeys.RESULTS_TIMEOUT_MS);
    if (timeoutMs <= 0) {
      throw new IllegalArgumentException(
          SettingKeys.RESULTS_TIMEOUT_MS + " must be positive, got " + timeoutMs);
    }
    return new ResultsConfig(
        Duration.ofMillis(timeoutMs),
        s.getInt(SettingKeys.RESULTS_HTTP_PORT),
        s.get(SettingKeys.RESULTS_STATE_DIR, ""),
        s.get(SettingKeys.RESULTS_ADVERTISED_ADDRESS, ""),
        s.getInt(SettingKeys.RESULTS_STREAM_MAX_CLIENTS),
        s.getInt(SettingKeys.RESULTS_PREVIEWS_MAX_IMAGES),
        s.getLong(SettingKeys.RESULTS_PREVIEWS_MAX_BYTES));
  }
}
