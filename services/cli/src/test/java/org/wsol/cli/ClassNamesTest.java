package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Class names against the bundled model's ImageNet class list. */
class ClassNamesTest {
  static final List<String> CLASSES = load();

  static List<String> load() {
    try (InputStream in =
        ClassNamesTest.class.getResourceAsStream(
            "/org/wsol/saliency/model/mobilenet_v2_imagenet/imagenet_classes.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (Exception e) {
      throw new AssertionError("the bundled class list", e);
    }
  }

  @Test
  void aWholeLabelOrAWholeSynonymInAnyCaseNamesItsClass() {
    assertEquals(99, ClassNames.resolve(CLASSES, "goose"));
    assertEquals(
        281, ClassNames.resolve(CLASSES, "Tabby Cat"), "the second synonym of 'tabby, tabby cat'");
    assertEquals(281, ClassNames.resolve(CLASSES, "tabby, tabby cat"), "the whole label");
    assertEquals(30, ClassNames.resolve(CLASSES, "rana catesbeiana"));
    assertEquals(30, ClassNames.resolve(CLASSES, "30"));
  }

  @Test
  void partOfAWordIsRefusedWithTheCandidatesAndTheirIndices() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ClassNames.resolve(CLASSES, "cat"));
    String m = e.getMessage();
    assertTrue(m.startsWith("no class is named 'cat' as a whole"), m);
    assertTrue(
        m.contains("30 (bullfrog, Rana catesbeiana)"), "the class it used to pick silently: " + m);
    assertTrue(
        m.contains("281 (tabby, tabby cat)")
            && m.contains("and 4 more; give the index or a whole name"),
        m);
  }

  @Test
  void aNameSeveralClassesShareIsRefusedWithEach() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ClassNames.resolve(CLASSES, "crane"));
    assertEquals(
        "2 classes are named 'crane': 134 (crane), 517 (crane); give the index of the one you mean",
        e.getMessage());
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> ClassNames.resolve(CLASSES, "Maillot"))
            .getMessage()
            .contains("638 (maillot), 639 (maillot, tank suit)"));
  }

  @Test
  void unknownNamesAndIndicesAreRefused() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> ClassNames.resolve(CLASSES, "zzyzx"))
            .getMessage()
            .startsWith("no class is named 'zzyzx': give an index 0..999"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> ClassNames.resolve(CLASSES, "1000"))
            .getMessage()
            .contains("outside 0..999"));
  }
}
