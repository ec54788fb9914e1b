package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * ./wsol eval end to end (embedded broker, bundled model, GraphCut, results service) on a dataset
 * built here from two sample photos with boxes written by hand: one true box that a centred box
 * matches, one in a corner that it does not. Checks the table against itself, against the per-image
 * CSV, and the centred-box baseline against IoUs computed here.
 */
class EvalCommandIT {
  static final Path PHOTOS = Path.of("../../samples/photos");
  // hot_dog.jpg is 512x384, opencv-doc_orange.jpg 512x512; classes 934 (hotdog) and 950 (orange).
  static final int[] HOT_DOG_BOX = {64, 48, 448, 336};
  static final int[] ORANGE_BOX = {0, 0, 200, 200};

  @Test
  void tableIsConsistentAndTheCentreBaselineMatchesAnIndependentIou(@TempDir Path tmp)
      throws Exception {
    Path data = twoPhotos(tmp);
    Path out = tmp.resolve("out");

    CommandRun.Printed run =
        CommandRun.run(
            "eval",
            "--dataset",
            data.toString(),
            "--out",
            out.toString(),
            "--single-crop",
            "--segmenters",
            "1",
            "--verbose");
    int code = run.code();
    String printed = run.out();
    System.out.println(printed);
    assertEquals(0, code, printed);

    // The last line, exactly.
    String[] lines = printed.strip().split("\n");
    Matcher last =
        Pattern.compile(
                "top5_loc_err=(\\d\\.\\d{4}) top1_loc_err=(\\d\\.\\d{4}) gtknown_loc=(\\d\\.\\d{4}) n=2")
            .matcher(lines[lines.length - 1]);
    assertTrue(last.matches(), "last line: " + lines[lines.length - 1]);
    double top5Err = Double.parseDouble(last.group(1));
    double top1Err = Double.parseDouble(last.group(2));
    double gtKnown = Double.parseDouble(last.group(3));

    String md = Files.readString(out.resolve("eval.md"));
    assertTrue(printed.contains(md.strip().split("\n")[0]), "the table is printed too");
    List<String[]> rows = tableRows(md);
    assertEquals(6, rows.size(), md);
    assertTrue(rows.get(0)[0].startsWith("GraphCut, mode cam-rect (the pipeline's boxes)"), md);
    assertTrue(rows.get(1)[0].startsWith("baseline: largest 8-connected region"), md);
    assertTrue(rows.get(2)[0].startsWith("literature: CAM with Zhou et al. 2016's rule"), md);
    assertTrue(rows.get(3)[0].startsWith("upper bound, peeks at the true boxes: MaxBoxAcc ("), md);
    assertTrue(
        rows.get(4)[0].startsWith("upper bound, peeks at the true boxes: MaxBoxAccV2 ("), md);
    assertTrue(rows.get(5)[0].startsWith("baseline: centred box"), md);
    String[] centreRow = rows.get(5);
    for (String[] r : rows) {
      assertEquals(11, r.length, String.join(" | ", r));
      // The IoU 0.5 column is the GT-known column; a higher level can only lose images.
      assertEquals(r[3], r[8], "GT-known = box accuracy at IoU 0.5: " + String.join(" | ", r));
      double a3 = num(r[7]);
      double a5 = num(r[8]);
      double a7 = num(r[9]);
      assertTrue(a3 >= a5 && a5 >= a7, String.join(" | ", r));
      assertEquals(
          (a3 + a5 + a7) / 3, num(r[10]), 0.11, "mean of the three: " + String.join(" | ", r));
    }
    assertEquals("—", rows.get(4)[1], "MaxBoxAccV2 has no top-1 figure");
    // MaxBoxAccV2 at 0.5 considers every component's box at every threshold: it cannot be below
    // MaxBoxAcc.
    assertTrue(num(rows.get(4)[8]) >= num(rows.get(3)[8]), md);

    // Next to last, the instances line: neither photo has two sizeable true boxes, so no image
    // takes part.
    assertEquals("instances recall=nan precision=nan boxes=0 images=0", lines[lines.length - 2]);
    assertTrue(
        Files.readString(out.resolve("instances-curve.csv"))
            .startsWith("idea,min_score,recall,precision,"));

    // The comparison line, before it: the table's figures, in points, with intervals around them.
    Matcher vs =
        Pattern.compile(
                "vs_centre_box top1=([+-]\\d+\\.\\d) \\[([+-]\\d+\\.\\d),([+-]\\d+\\.\\d)\\] "
                    + "top5=([+-]\\d+\\.\\d) \\[([+-]\\d+\\.\\d),([+-]\\d+\\.\\d)\\] "
                    + "gtknown=([+-]\\d+\\.\\d) \\[([+-]\\d+\\.\\d),([+-]\\d+\\.\\d)\\]")
            .matcher(lines[lines.length - 3]);
    assertTrue(vs.matches(), "third line from the end: " + lines[lines.length - 3]);
    assertEquals(
        num(rows.get(0)[1]) - num(centreRow[1]),
        Double.parseDouble(vs.group(1)),
        0.11,
        "top-1 error diff");
    assertEquals(
        num(rows.get(0)[2]) - num(centreRow[2]),
        Double.parseDouble(vs.group(4)),
        0.11,
        "top-5 error diff");
    assertEquals(
        num(rows.get(0)[3]) - num(centreRow[3]),
        Double.parseDouble(vs.group(7)),
        0.11,
        "GT-known diff");
    for (int g : new int[] {1, 4, 7}) {
      double d = Double.parseDouble(vs.group(g));
      assertTrue(
          Double.parseDouble(vs.group(g + 1)) <= d && d <= Double.parseDouble(vs.group(g + 2)),
          vs.group());
    }
    // The GraphCut row is the last line's figures, in percent.
    assertEquals(pct(top1Err), rows.get(0)[1], md);
    assertEquals(pct(top5Err), rows.get(0)[2], md);
    assertEquals(pct(gtKnown), rows.get(0)[3], md);

    List<String> csv = Files.readAllLines(out.resolve("eval.csv"));
    assertEquals(3, csv.size(), "header and one line per image");
    List<String> header = List.of(csv.get(0).split(","));
    int top1Cls = header.indexOf("top1_cls_correct");
    int top5Cls = header.indexOf("top5_cls_correct");
    int top1Loc = 0;
    int top5Loc = 0;
    int gtk = 0;
    int cls1 = 0;
    int cls5 = 0;
    int centreGtk = 0;
    int centreGtk3 = 0;
    int centreGtk7 = 0;
    int centreTop1 = 0;
    for (String line : csv.subList(1, csv.size())) {
      List<String> f = splitCsv(line);
      boolean c1 = Boolean.parseBoolean(f.get(top1Cls));
      boolean c5 = Boolean.parseBoolean(f.get(top5Cls));
      boolean l1 = Boolean.parseBoolean(f.get(header.indexOf("graphcut_top1_correct")));
      boolean l5 = Boolean.parseBoolean(f.get(header.indexOf("graphcut_top5_correct")));
      double giou = Double.parseDouble(f.get(header.indexOf("graphcut_gtknown_iou")));
      assertTrue(!l1 || c1, "a right top-1 box needs the right top-1 class: " + line);
      assertTrue(!l5 || c5, "a right top-5 box needs the class among the top 5: " + line);
      assertTrue(!l1 || l5, "top-1 right implies top-5 right: " + line);
      assertTrue(Boolean.parseBoolean(f.get(header.indexOf("complete"))), line);
      cls1 += c1 ? 1 : 0;
      cls5 += c5 ? 1 : 0;
      top1Loc += l1 ? 1 : 0;
      top5Loc += l5 ? 1 : 0;
      gtk += giou >= 0.5 ? 1 : 0;

      // The centred box, computed here: 50% of the area, the image's aspect ratio.
      boolean hotDog = f.get(0).equals("hot_dog.jpg");
      int w = 512;
      int h = hotDog ? 384 : 512;
      double side = Math.sqrt(0.5);
      int bw = (int) Math.round(w * side);
      int bh = (int) Math.round(h * side);
      int[] centre = {(w - bw) / 2, (h - bh) / 2, (w - bw) / 2 + bw, (h - bh) / 2 + bh};
      double iou = iou(centre, hotDog ? HOT_DOG_BOX : ORANGE_BOX);
      assertEquals(
          iou, Double.parseDouble(f.get(header.indexOf("centre_gtknown_iou"))), 1e-4, line);
      assertEquals(
          c1 && iou >= 0.5,
          Boolean.parseBoolean(f.get(header.indexOf("centre_top1_correct"))),
          line);
      assertEquals(
          c5 && iou >= 0.5,
          Boolean.parseBoolean(f.get(header.indexOf("centre_top5_correct"))),
          line);
      centreGtk += iou >= 0.5 ? 1 : 0;
      centreGtk3 += iou >= 0.3 ? 1 : 0;
      centreGtk7 += iou >= 0.7 ? 1 : 0;
      centreTop1 += c1 && iou >= 0.5 ? 1 : 0;
      assertTrue(Double.parseDouble(f.get(header.indexOf("saliency_ms"))) > 0, line);
      assertTrue(Double.parseDouble(f.get(header.indexOf("segment_ms"))) > 0, line);
    }
    assertEquals(
        1,
        centreGtk,
        "the hand-made boxes: the centred box matches the hot dog's and misses the orange's");
    assertEquals("50.0%", centreRow[3], md);
    assertEquals(pct(1 - centreTop1 / 2.0), centreRow[1], md);
    assertEquals(pct(centreGtk3 / 2.0), centreRow[7], "the centred box at IoU 0.3, computed here");
    assertEquals(pct(centreGtk7 / 2.0), centreRow[9], "the centred box at IoU 0.7, computed here");
    assertEquals(pct(1 - top1Loc / 2.0), rows.get(0)[1], "table vs CSV, top-1");
    assertEquals(pct(1 - top5Loc / 2.0), rows.get(0)[2], "table vs CSV, top-5");
    assertEquals(pct(gtk / 2.0), rows.get(0)[3], "table vs CSV, GT-known");
    assertTrue(
        md.contains("top-1 accuracy " + pct(cls1 / 2.0) + ", top-5 accuracy " + pct(cls5 / 2.0)),
        md);
    for (String[] r : rows) {
      if (r[1].equals("—")) {
        continue;
      }
      double e1 = Double.parseDouble(r[1].replace("%", ""));
      double e5 = Double.parseDouble(r[2].replace("%", ""));
      assertTrue(e5 <= e1, "top-5 error <= top-1 error: " + String.join(" | ", r));
      assertTrue(e1 >= 100 * (1 - cls1 / 2.0) - 1e-9, "localisation error >= classification error");
    }
    assertTrue(md.matches("(?s).*\\| saliency, per image[^|]*\\| \\d+ ms \\|.*"), md);
    assertTrue(md.matches("(?s).*\\| segmenter, per map[^|]*\\| \\d+ ms \\|.*"), md);
  }

  @Test
  void modesOnDifferentMapsRunThePipelineOncePerMapAndMatchARunOfTheirOwn(@TempDir Path tmp)
      throws Exception {
    Path data = twoPhotos(tmp);
    Path both = tmp.resolve("both");
    Path alone = tmp.resolve("alone");
    assertEquals(
        0,
        new CommandLine(new Main())
            .execute(
                "eval",
                "--dataset",
                data.toString(),
                "--out",
                both.toString(),
                "--single-crop",
                "--segmenters",
                "1",
                "--modes",
                "gcam-extent,paper"));
    assertEquals(
        0,
        new CommandLine(new Main())
            .execute(
                "eval",
                "--dataset",
                data.toString(),
                "--out",
                alone.toString(),
                "--single-crop",
                "--segmenters",
                "1",
                "--modes",
                "paper"));

    String md = Files.readString(both.resolve("eval.md"));
    List<String[]> rows = tableRows(md);
    assertEquals(7, rows.size(), md);
    assertTrue(rows.get(0)[0].startsWith("GraphCut, mode gcam-extent (the pipeline's boxes)"), md);
    assertTrue(rows.get(1)[0].startsWith("GraphCut, mode paper (its own maps"), md);
    assertTrue(
        md.contains(
            "gradient-cam (single crop) maps (gcam-extent) then gradient (single crop) maps (paper)"),
        md);
    String aloneMd = Files.readString(alone.resolve("eval.md"));
    String[] paperAlone = tableRows(aloneMd).get(0);
    for (int c = 1; c <= 3; c++) {
      assertEquals(
          paperAlone[c],
          rows.get(1)[c],
          "paper's figures on its own maps are those of a run of its own\n" + md + "\n" + aloneMd);
    }
    // Image by image: the paper row's IoUs in the two-map run are those of the paper-only run's
    // pipeline.
    List<String> a = Files.readAllLines(both.resolve("eval.csv"));
    List<String> b = Files.readAllLines(alone.resolve("eval.csv"));
    List<String> ha = splitCsv(a.get(0));
    List<String> hb = splitCsv(b.get(0));
    for (int i = 1; i < a.size(); i++) {
      List<String> fa = splitCsv(a.get(i));
      List<String> fb = splitCsv(b.get(i));
      assertEquals(fb.get(hb.indexOf("image")), fa.get(ha.indexOf("image")));
      for (String k : List.of("top1_iou", "gtknown_iou")) {
        assertEquals(
            fb.get(hb.indexOf("graphcut_" + k)),
            fa.get(ha.indexOf("paper_" + k)),
            k + " of " + fa.get(0));
      }
    }
    // The cost table times each mode with the saliency of its own maps.
    assertTrue(
        md.matches("(?s).*\\| paper \\| \\d+ \\| \\d+ \\| \\d+ \\| \\d\\.\\d\\dx \\|.*"), md);
  }

  @Test
  void offCentreCutsEachImageToACornerAndLeavesOutThoseItWouldCut(@TempDir Path tmp)
      throws Exception {
    // hot_dog.jpg, 512x384, box [64,448) x [48,336) in the middle: any 358x269 corner crop keeps
    // 294 x 221 of its
    // 384 x 288 pixels (58.7%): left out. The orange's box [0,200)^2 is whole in the top-left
    // 358x358 crop, where
    // the centred box [52,305)^2 has IoU 148^2 / (253^2 + 200^2 - 148^2) = 0.267 with it.
    Path data = twoPhotos(tmp);
    Path out = tmp.resolve("off");
    CommandRun.Printed run =
        CommandRun.run(
            "eval",
            "--dataset",
            data.toString(),
            "--out",
            out.toString(),
            "--single-crop",
            "--segmenters",
            "1",
            "--off-centre",
            "--no-cam-rule");
    int code = run.code();
    String printed = run.out();
    System.out.println(printed);
    assertEquals(0, code, printed);
    String md = Files.readString(out.resolve("eval.md"));
    assertTrue(md.contains("1 of 2 images kept, 1 left out"), md);
    String[] lines = printed.strip().split("\n");
    assertTrue(lines[lines.length - 1].endsWith(" n=1"), lines[lines.length - 1]);
    assertTrue(lines[lines.length - 2].startsWith("instances recall="), lines[lines.length - 2]);
    assertTrue(lines[lines.length - 3].startsWith("vs_centre_box top1="), lines[lines.length - 3]);
    List<String[]> rows = tableRows(md);
    assertEquals(5, rows.size(), "no CAM row with --no-cam-rule\n" + md);
    String[] centre = rows.get(4);
    assertTrue(centre[0].startsWith("baseline: centred box"), md);
    assertEquals("0.0%", centre[3], md);
    assertEquals("0.0%", centre[7], "IoU 0.267 < 0.3\n" + md);
    List<String> csv = Files.readAllLines(out.resolve("eval.csv"));
    assertEquals(2, csv.size(), "the orange only");
    List<String> header = splitCsv(csv.get(0));
    List<String> f = splitCsv(csv.get(1));
    assertEquals("orange.jpg", f.get(0));
    assertEquals(
        21904.0 / (253 * 253 + 200 * 200 - 21904),
        Double.parseDouble(f.get(header.indexOf("centre_gtknown_iou"))),
        1e-4,
        "the centred box of the 358x358 crop against the clipped box");
  }

  static double num(String cell) {
    return Double.parseDouble(cell.replace("%", ""));
  }

  /** A dataset of two sample photos with the hand-made boxes. */
  static Path twoPhotos(Path tmp) throws java.io.IOException {
    Path data = tmp.resolve("data");
    Files.createDirectories(data.resolve("images"));
    Files.copy(PHOTOS.resolve("hot_dog.jpg"), data.resolve("images/hot_dog.jpg"));
    Files.copy(PHOTOS.resolve("opencv-doc_orange.jpg"), data.resolve("images/orange.jpg"));
    Files.writeString(
        data.resolve("images.csv"),
        "image,class_idx,class_name\nhot_dog.jpg,934,hotdog\n" + "orange.jpg,950,orange\n");
    Files.writeString(
        data.resolve("boxes.csv"),
        "image,class_idx,xmin,ymin,xmax,ymax\n"
            + "hot_dog.jpg,934,"
            + csv(HOT_DOG_BOX)
            + "\norange.jpg,950,"
            + csv(ORANGE_BOX)
            + "\n");
    return data;
  }

  static String csv(int[] b) {
    return b[0] + "," + b[1] + "," + b[2] + "," + b[3];
  }

  static String pct(double v) {
    return String.format(java.util.Locale.ROOT, "%.1f%%", 100 * v);
  }

  static double iou(int[] a, int[] b) {
    double iw = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
    double ih = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
    double inter = iw * ih;
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
  }

  /** The data rows of the first Markdown table: cells without the leading empty one. */
  static List<String[]> tableRows(String md) {
    List<String[]> rows = new ArrayList<>();
    boolean inTable = false;
    for (String line : md.split("\n")) {
      if (line.startsWith("|")) {
        if (inTable && !line.startsWith("|---")) {
          String[] cells = line.split("\\|");
          String[] trimmed = new String[cells.length - 1];
          for (int i = 1; i < cells.length; i++) {
            trimmed[i - 1] = cells[i].trim();
          }
          rows.add(trimmed);
        }
        inTable = true;
      } else if (inTable) {
        break;
      }
    }
    return rows;
  }

  static List<String> splitCsv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
