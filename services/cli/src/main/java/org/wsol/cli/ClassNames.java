package org.wsol.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A class named on the command line, by index or by name: a name must be a whole label or one whole
 * comma-separated synonym of exactly one class (case-insensitive). Anything else fails and lists
 * the candidates with their indices, so that "cat" never quietly means "bullfrog, Rana
 * catesbeiana".
 */
final class ClassNames {
  /** Candidates listed in a refusal before "and N more". */
  static final int SHOWN = 12;

  private ClassNames() {}

  /**
   * @throws IllegalArgumentException naming the candidates when {@code arg} names no class, or
   *     several
   */
  static int resolve(List<String> classes, String arg) {
    String want = arg.trim().toLowerCase(Locale.ROOT);
    if (want.matches("\\d+")) {
      int i = Integer.parseInt(want);
      if (i < 0 || i >= classes.size()) {
        throw new IllegalArgumentException(
            "class index " + i + " is outside 0.." + (classes.size() - 1));
      }
      return i;
    }
    List<Integer> whole = new ArrayList<>();
    List<Integer> partial = new ArrayList<>();
    for (int i = 0; i < classes.size(); i++) {
      String label = classes.get(i).toLowerCase(Locale.ROOT);
      boolean named = label.trim().equals(want);
      for (String synonym : label.split(",")) {
        named |= synonym.trim().equals(want);
      }
      if (named) {
        whole.add(i);
      } else if (!want.isEmpty() && label.contains(want)) {
        partial.add(i);
      }
    }
    if (whole.size() == 1) {
      return whole.get(0);
    }
    if (whole.size() > 1) {
      throw new IllegalArgumentException(
          whole.size()
              + " classes are named '"
              + arg
              + "': "
              + list(classes, whole)
              + "; give the index of the one you mean");
    }
    if (partial.isEmpty()) {
      throw new IllegalArgumentException(
          "no class is named '"
              + arg
              + "': give an index 0.."
              + (classes.size() - 1)
              + " or a whole name from the model's class list");
    }
    throw new IllegalArgumentException(
        "no class is named '"
            + arg
            + "' as a whole; names that contain it: "
            + list(classes, partial)
            + "; give the index or a whole name");
  }

  private static String list(List<String> classes, List<Integer> indices) {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < Math.min(SHOWN, indices.size()); k++) {
      int i = indices.get(k);
      b.append(k == 0 ? "" : ", ").append(i).append(" (").append(classes.get(i)).append(')');
    }
    if (indices.size() > SHOWN) {
      b.append(" and ").append(indices.size() - SHOWN).append(" more");
    }
    return b.toString();
  }
}
