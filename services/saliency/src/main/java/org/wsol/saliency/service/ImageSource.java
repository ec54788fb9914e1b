package org.wsol.saliency.service;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.wsol.common.kafka.BadRecordException;
import org.wsol.schema.ImageEvent;

/**
 * The bytes of an event's image: inline, or fetched from its URI (claim check) under an allow-list.
 * {@code file:} URIs only below {@code image.uri.file.root}; {@code http(s):} only to hosts in
 * {@code image.uri.allowed.hosts}; redirects are never followed, so an allowed host cannot bounce
 * the request to a private address. A URI outside the list is refused before any request is made.
 */
public final class ImageSource {
  private final long maxBytes;
  private final Path fileRoot;
  private final List<String> allowedHosts;
  private final HttpClient http;

  public ImageSource(SaliencyConfig.Images rules) {
    this.maxBytes = rules.maxBytes();
    this.fileRoot = rules.fileRoot();
    this.allowedHosts = rules.allowedHosts();
    this.http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  public byte[] bytes(ImageEvent e) {
    if (e.getImageBytes() != null) {
      byte[] b = new byte[e.getImageBytes().remaining()];
      e.getImageBytes().duplicate().get(b);
      return b;
    }
    if (e.getImageUri() == null) {
      throw new BadRecordException(
          "image event '" + e.getId() + "' has neither image_bytes nor image_uri");
    }
    return fetch(e.getImageUri());
  }

  byte[] fetch(String uriText) {
    URI uri;
    try {
      uri = URI.create(uriText);
    } catch (IllegalArgumentException ex) {
      throw new BadRecordException("malformed image URI '" + uriText + "': " + ex.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "file" -> {
        return readFile(uri);
      }
      case "http", "https" -> {
        return download(uri);
      }
      default ->
          throw new BadRecordException(
              "image URI scheme '" + scheme + "' is not allowed: use file: or http(s):");
    }
  }

  private byte[] readFile(URI uri) {
    if (fileRoot == null) {
      throw new BadRecordException(
          "file: image URIs are refused: set image.uri.file.root to the folder they may come from");
    }
    Path p;
    try {
      p = Path.of(uri).toAbsolutePath().normalize();
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException ex) {
      throw new BadRecordException(
          "image URI "
              + uri
              + " is not a local file path ("
              + ex.getMessage()
              + "): use file:///absolute/path under image.uri.file.root");
    }
    if (!p.startsWith(fileRoot)) {
      throw new BadRecordException(
          "image URI " + uri + " is outside image.uri.file.root=" + fileRoot);
    }
    try {
      // A symbolic link under the root may point anywhere: check where the file really is.
      Path real = p.toRealPath();
      if (!real.startsWith(fileRoot.toRealPath())) {
        throw new BadRecordException(
            "image URI "
                + uri
                + " leads outside image.uri.file.root="
                + fileRoot
                + " (through a symbolic link, to "
                + real
                + ")");
      }
      if (!Files.isRegularFile(real)) {
        throw new BadRecordException("image URI " + uri + " is not a regular file");
      }
      if (Files.size(real) > maxBytes) {
        throw new BadRecordException("image file " + p + " exceeds image.max.bytes=" + maxBytes);
      }
      return Files.readAllBytes(real);
    } catch (IOException ex) {
      String why = ex instanceof java.nio.file.NoSuchFileException ? "no such file" : ex.toString();
      throw new BadRecordException("cannot read image " + p + ": " + why, ex);
    }
  }

  private byte[] download(URI uri) {
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (!allowedHosts.contains(host)) {
      throw new BadRecordException(
          "image host '" + host + "' is not in image.uri.allowed.hosts: add it there to allow it");
    }
    try {
      HttpResponse<InputStream> r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        if (r.statusCode() != 200) {
          throw new BadRecordException(
              "GET " + uri + " answered HTTP " + r.statusCode() + " (redirects are not followed)");
        }
        byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (b.length > maxBytes) {
          throw new BadRecordException("image at " + uri + " exceeds image.max.bytes=" + maxBytes);
        }
        return b;
      }
    } catch (IOException ex) {
      throw new BadRecordException("cannot fetch " + uri + ": " + ex.getMessage(), ex);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new BadRecordException("interrupted while fetching " + uri, ex);
    }
  }
}
