package dev.parley.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every default is written once, in {@link ConfigLoader}: README's configuration table and the
 * shipped {@code conf/config.json} must say the same, setting by setting.
 */
class ConfigCatalogueTest {

  private static final Pattern CODE = Pattern.compile("`([^`]*)`");

  /** README rows: env var -> [key cell, default cell]. */
  private static Map<String, String[]> readmeRows() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("README.md"));
    int start = lines.indexOf("## Configuration");
    assertTrue(start >= 0, "README has a '## Configuration' section");
    Map<String, String[]> rows = new LinkedHashMap<>();
    for (String line : lines.subList(start, lines.size())) {
      if (line.startsWith("## ") && !line.equals("## Configuration")) {
        break;
      }
      if (!line.startsWith("| `")) {
        continue;
      }
      String[] cells = line.split("\\|");
      Matcher env = CODE.matcher(cells[2]);
      if (env.find()) {
        rows.put(env.group(1), new String[] {cells[1].trim(), cells[3].trim()});
      }
    }
    return rows;
  }

  @Test
  @DisplayName("README's configuration table has one row per setting, with its key and its default")
  void readmeTable() throws IOException {
    Map<String, String[]> rows = readmeRows();
    List<String> declared = new ArrayList<>();
    for (ConfigLoader.Setting setting : ConfigLoader.settings()) {
      declared.add(setting.env());
      String[] row = rows.get(setting.env());
      assertNotNull(row, "README's configuration table lacks " + setting.env());
      assertEquals("`" + setting.key() + "`", row[0], "README's key for " + setting.env());
      String shown = row[1];
      if (setting.defaultValue() == null) {
        assertTrue(shown.startsWith("required"), setting.env() + " is required; README says: " + shown);
      } else if (setting.defaultValue().isEmpty()) {
        assertTrue(shown.startsWith("empty"), setting.env() + " defaults to empty; README says: " + shown);
      } else {
        Matcher first = CODE.matcher(shown);
        assertTrue(first.find() && shown.startsWith("`"), "README's default for " + setting.env() + ": " + shown);
        assertEquals(setting.defaultValue(), first.group(1), "README's default for " + setting.env());
      }
    }
    List<String> extra = new ArrayList<>(rows.keySet());
    extra.removeAll(declared);
    assertEquals(List.of(), extra, "README rows for settings the loader does not read");
  }

  @Test
  @DisplayName("conf/config.json names only declared keys, each at its declared default")
  void shippedFile() throws IOException {
    JsonNode file = new ObjectMapper().readTree(Path.of("conf/config.json").toFile());
    Map<String, String> values = new LinkedHashMap<>();
    flatten("", file, values);
    Map<String, ConfigLoader.Setting> byKey = new LinkedHashMap<>();
    ConfigLoader.settings().forEach(setting -> byKey.put(setting.key(), setting));
    assertFalse(values.isEmpty());
    values.forEach((key, value) -> {
      ConfigLoader.Setting setting = byKey.get(key);
      assertNotNull(setting, "conf/config.json has " + key + ", which the loader does not read");
      if (setting.defaultValue() != null) {
        assertEquals(setting.defaultValue(), value, "conf/config.json's " + key);
      }
    });
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
    if (node.isObject()) {
      node.fields().forEachRemaining(field ->
          flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), into));
    } else if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(item -> items.add(item.asText()));
      into.put(prefix, String.join(",", items));
    } else {
      into.put(prefix, node.asText());
    }
  }
}
