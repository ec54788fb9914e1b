package org.wsol.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SettingKeysTest {
  @Test
  void everyKeyHasADefaultAndEveryDefaultAKey() throws IllegalAccessException {
    Set<String> constants = new TreeSet<>();
    for (Field f : SettingKeys.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        String key = (String) f.get(null);
        // The constant's name spells its key, so that a reader can tell one from the other.
        assertEquals(key.toUpperCase().replace('.', '_'), f.getName());
        constants.add(key);
      }
    }
    List<String> defaults = Arrays.stream(Defaults.ENTRIES).map(Defaults.Entry::key).toList();
    assertEquals(defaults.size(), new TreeSet<>(defaults).size(), "a key with two defaults");
    assertEquals(constants, new TreeSet<>(defaults));
  }
}
