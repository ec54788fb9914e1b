package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.wsol.cli.local.ImageProducer;
import org.wsol.results.http.ResultJson;
import org.wsol.schema.Box;
import org.wsol.schema.GroundTruth;

/**
 * The live page in a real browser (headless Chromium through Selenium) against the real services on
 * an embedded broker: images produced after the page opened appear without a reload, each with its
 * boxes where the result puts them (scaled to the displayed size) and labels that do not overlap;
 * the image page shows the heat map and the ground truth. Screenshots go to target/. Needs Debian's
 * chromium and chromium-driver (.ci/run installs them): without them the test fails under CI (env
 * CI set) and is skipped elsewhere, saying what to install.
 */
class LivePageIT {
  static final Path CHROMIUM =
      Path.of(System.getenv().getOrDefault("WSOL_CHROMIUM", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER =
      Path.of(System.getenv().getOrDefault("WSOL_CHROMEDRIVER", "/usr/bin/chromedriver"));
  static final int TOP_K = 5;

  /** Where a box may differ from its expected spot: rounding of percentages to device pixels. */
  static final double TOLERANCE_PX = 1.5;

  @Test
  void imagesAppearLiveWithTheirBoxesAndTheImagePageShowsTheHeatMap(@TempDir Path profile)
      throws Exception {
    requireChromium();
    try (PipelineFixture pipeline = new PipelineFixture(Map.of())) {
      WebDriver browser = chromium(profile);
      try {
        String base = "http://127.0.0.1:" + pipeline.resultsPort();
        browser.get(base + "/live/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(b -> b.findElement(By.id("connection")).getAttribute("class").contains("on"));

        List<String> ids = List.of("owl", "parrot", "hot_dog", "pets");
        try (ImageProducer producer = new ImageProducer(pipeline.settings)) {
          for (String id : ids) {
            Path file = PipelineFixture.PHOTOS.resolve(id + ".jpg");
            producer.sendFile(id, file, TOP_K, id.equals("owl") ? owlTruth(file) : null).get();
          }
        }
        new WebDriverWait(browser, Duration.ofSeconds(120))
            .until(
                b ->
                    ids.stream()
                        .allMatch(
                            id ->
                                !b.findElements(
                                        By.cssSelector(".card[data-id='" + id + "'] .frame"))
                                    .isEmpty()));
        assertEquals(
            ids.size(), browser.findElements(By.cssSelector(".card")).size(), "one card per image");
        List<String> order =
            browser.findElements(By.cssSelector(".card")).stream()
                .map(c -> c.getAttribute("data-id"))
                .toList();
        for (int i = 1; i < order.size(); i++) {
          String newer = get(base + "/images/" + order.get(i - 1)).get("completed_at").asText();
          String older = get(base + "/images/" + order.get(i)).get("completed_at").asText();
          assertTrue(
              java.time.Instant.parse(newer).compareTo(java.time.Instant.parse(older)) >= 0,
              "newest first: " + order);
        }
        wait.until(
            b -> ids.stream().allMatch(id -> loaded(b, ".frame[data-id='" + id + "'] .photo")));

        for (String id : ids) {
          JsonNode result = get(base + "/images/" + id);
          WebElement frame = browser.findElement(By.cssSelector(".frame[data-id='" + id + "']"));
          assertBoxesWhereTheResultPutsThem(id, result, frame);
          assertLabelsApart(id, frame);
        }
        wait.until(b -> b.findElement(By.id("complete")).getText().equals("" + ids.size()));
        screenshot(browser, "live-page.png");

        browser.findElement(By.cssSelector(".card[data-id='owl'] a.picture")).click();
        wait.until(b -> loaded(b, ".heat[data-rank='1']"));
        WebElement heat = browser.findElement(By.cssSelector(".heat[data-rank='1']"));
        assertTrue(heat.isDisplayed(), "the top class's heat map is shown");
        Rectangle photo = browser.findElement(By.cssSelector(".large .photo")).getRect();
        assertEquals(photo, heat.getRect(), "the heat map covers the photo");
        assertTrue(
            browser.findElements(By.cssSelector(".heat[data-rank='2']")).stream()
                .noneMatch(WebElement::isDisplayed),
            "other ranks' heat maps wait for their toggle");
        browser.findElement(By.cssSelector(".toggle-heat[data-rank='2']")).click();
        assertTrue(
            browser.findElement(By.cssSelector(".heat[data-rank='2']")).isDisplayed(),
            "toggled on");
        assertEquals(
            1,
            browser.findElements(By.cssSelector(".large .box.truth")).size(),
            "the owl's true box");
        assertTrue(
            browser.findElement(By.id("json")).getText().contains("\"image_id\" : \"owl\"")
                || browser.findElement(By.id("json")).getText().contains("\"image_id\": \"owl\""),
            "the raw JSON");
        assertBoxesWhereTheResultPutsThem(
            "owl (image page)",
            get(base + "/images/owl"),
            browser.findElement(By.cssSelector(".large .frame")));
        assertLabelsApart("owl (image page)", browser.findElement(By.cssSelector(".large .frame")));
        screenshot(browser, "live-image-page.png");
      } finally {
        browser.quit();
      }
    }
  }

  /**
   * Each box with a box in the result has its element at the result's coordinates scaled to the
   * photo's size.
   */
  static void assertBoxesWhereTheResultPutsThem(String id, JsonNode result, WebElement frame) {
    Rectangle photo = frame.findElement(By.cssSelector(".photo")).getRect();
    double sx = (double) photo.getWidth() / result.get("original_width").asInt();
    double sy = (double) photo.getHeight() / result.get("original_height").asInt();
    int withBox = 0;
    for (JsonNode cb : result.get("boxes")) {
      if (cb.get("box").isNull()) {
        continue;
      }
      withBox++;
      JsonNode b = cb.get("box");
      Rectangle r =
          frame
              .findElement(By.cssSelector(".box[data-rank='" + cb.get("rank").asInt() + "']"))
              .getRect();
      String what =
          id
              + " rank "
              + cb.get("rank").asInt()
              + " box "
              + b
              + " shown at "
              + r.getX()
              + ","
              + r.getY()
              + " "
              + r.getWidth()
              + "x"
              + r.getHeight()
              + " over the photo at "
              + photo.getX()
              + ","
              + photo.getY();
      assertEquals(photo.getX() + b.get("x_min").asInt() * sx, r.getX(), TOLERANCE_PX, what);
      assertEquals(photo.getY() + b.get("y_min").asInt() * sy, r.getY(), TOLERANCE_PX, what);
      assertEquals(
          (b.get("x_max").asInt() - b.get("x_min").asInt()) * sx, r.getWidth(), TOLERANCE_PX, what);
      assertEquals(
          (b.get("y_max").asInt() - b.get("y_min").asInt()) * sy,
          r.getHeight(),
          TOLERANCE_PX,
          what);
    }
    assertTrue(withBox >= TOP_K - 1, id + ": most of the top-" + TOP_K + " classes have a box");
    assertEquals(
        withBox,
        frame.findElements(By.cssSelector(".box:not(.truth)")).size(),
        id + ": one box per rank");
  }

  /** No two shown labels intersect (touching is fine), and each lies inside the picture. */
  static void assertLabelsApart(String id, WebElement frame) {
    Rectangle f = frame.getRect();
    List<Rectangle> labels = new ArrayList<>();
    for (WebElement l : frame.findElements(By.cssSelector(".label"))) {
      if (l.isDisplayed()) {
        labels.add(l.getRect());
      }
    }
    assertFalse(labels.isEmpty(), id + ": labels shown");
    for (int i = 0; i < labels.size(); i++) {
      Rectangle a = labels.get(i);
      assertTrue(
          a.getX() >= f.getX()
              && a.getY() >= f.getY()
              && a.getX() + a.getWidth() <= f.getX() + f.getWidth() + 1
              && a.getY() + a.getHeight() <= f.getY() + f.getHeight() + 1,
          id + ": label " + i + " inside the picture");
      for (int j = 0; j < i; j++) {
        Rectangle b = labels.get(j);
        boolean overlap =
            a.getX() < b.getX() + b.getWidth()
                && b.getX() < a.getX() + a.getWidth()
                && a.getY() < b.getY() + b.getHeight()
                && b.getY() < a.getY() + a.getHeight();
        assertFalse(
            overlap, id + ": labels " + j + " and " + i + " overlap: " + str(b) + " and " + str(a));
      }
    }
  }

  static String str(Rectangle r) {
    return r.getX() + "," + r.getY() + " " + r.getWidth() + "x" + r.getHeight();
  }

  static boolean loaded(WebDriver b, String css) {
    return Boolean.TRUE.equals(
        ((JavascriptExecutor) b)
            .executeScript(
                "const i = document.querySelector(arguments[0]); return !!i && i.complete && i.naturalWidth > 0;",
                css));
  }

  static GroundTruth owlTruth(Path file) throws Exception {
    BufferedImage img = ImageIO.read(file.toFile());
    int w = img.getWidth();
    int h = img.getHeight();
    return new GroundTruth(
        PipelineIT.GREAT_GREY_OWL, List.of(new Box(w / 5, h / 10, w * 4 / 5, h * 19 / 20)));
  }

  static JsonNode get(String url) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return ResultJson.read(r.body());
  }

  static void screenshot(WebDriver browser, String name) throws Exception {
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Path target = Path.of("target", name);
    Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    System.out.println("screenshot: " + target.toAbsolutePath());
  }

  static void requireChromium() {
    if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
      return;
    }
    String what =
        "the live page's browser test needs Chromium and its driver at "
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + ": apt-get install chromium chromium-driver (Debian; .ci/run installs them), or point WSOL_CHROMIUM and "
            + "WSOL_CHROMEDRIVER at yours";
    if (System.getenv("CI") != null) {
      fail(what + " (CI is set, so this fails instead of skipping)");
    }
    Assumptions.abort(what);
  }

  static WebDriver chromium(Path profile) {
    // The system driver, named: Selenium Manager must not look for (or download) one.
    System.setProperty("SE_OFFLINE", "true");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-quic",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }
}
