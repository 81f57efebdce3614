package cn.healthcard.hub.terminology.division;

import cn.healthcard.hub.terminology.division.Division.Level;
import cn.healthcard.hub.terminology.division.DivisionResolution.Match;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * China's administrative divisions (GB/T 2260, NBS 2023 edition) in memory: look a code up, walk
 * it up to its city and province, resolve the address code of an identity number. Immutable and
 * thread-safe; {@link #standard()} loads the packaged data once.
 *
 * <p>Codes are accepted in their own length (21, 2101, 210102) and in the 6-digit padded form
 * used in addresses (210000 is the province 21, 210100 the city 2101).
 */
public final class Divisions {

  private static final String DATA = "/cn/healthcard/hub/terminology/division/";

  private final Map<String, Division> byCode;
  private final Map<String, List<Division>> children;
  private final Map<String, String> successors;

  private Divisions(Map<String, Division> byCode, Map<String, String> successors) {
    this.byCode = Collections.unmodifiableMap(byCode);
    this.successors = Map.copyOf(successors);
    Map<String, List<Division>> kids = new HashMap<>();
    for (Division d : byCode.values()) {
      d.parent().ifPresent(p -> kids.computeIfAbsent(p, k -> new ArrayList<>()).add(d));
    }
    kids.replaceAll((k, v) -> List.copyOf(v));
    this.children = Map.copyOf(kids);
  }

  private static final class Holder {
    static final Divisions STANDARD = load();
  }

  public static Divisions standard() {
    return Holder.STANDARD;
  }

  static Divisions load() {
    Map<String, Division> byCode = new LinkedHashMap<>();
    readCsv("provinces.csv", f -> put(byCode, new Division(f[0], f[1], Level.PROVINCE, null)));
    readCsv("cities.csv", f -> put(byCode, new Division(f[0], f[1], Level.CITY, f[2])));
    readCsv("areas.csv", f -> put(byCode, new Division(f[0], f[1], Level.COUNTY, f[2])));
    Map<String, String> successors = new HashMap<>();
    readCsv("changes.csv", f -> successors.put(f[0], f[1]));
    for (var e : successors.entrySet()) {
      if (!byCode.containsKey(e.getValue()) || byCode.containsKey(e.getKey())) {
        throw new IllegalStateException("inconsistent division change " + e);
      }
    }
    for (Division d : byCode.values()) {
      if (d.parentCode() != null && !byCode.containsKey(d.parentCode())) {
        throw new IllegalStateException("division " + d.code() + " has no parent " + d.parentCode());
      }
    }
    return new Divisions(byCode, successors);
  }

  private static void put(Map<String, Division> byCode, Division d) {
    if (byCode.put(d.code(), d) != null) {
      throw new IllegalStateException("duplicate division code " + d.code());
    }
  }

  private static void readCsv(String name, Consumer<String[]> row) {
    try (InputStream in = Divisions.class.getResourceAsStream(DATA + name)) {
      if (in == null) {
        throw new IllegalStateException("missing division data " + name);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      reader.readLine();
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank()) {
          row.accept(splitCsv(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The data is simple CSV: fields never contain commas; names are quoted. */
  private static String[] splitCsv(String line) {
    String[] fields = line.split(",", -1);
    for (int i = 0; i < fields.length; i++) {
      String f = fields[i].strip();
      if (f.length() >= 2 && f.startsWith("\"") && f.endsWith("\"")) {
        f = f.substring(1, f.length() - 1);
      }
      fields[i] = f;
    }
    return fields;
  }

  /** A current division by its code (own length or 6-digit padded). */
  public Optional<Division> find(String code) {
    String own = ownCode(code);
    return own == null ? Optional.empty() : Optional.ofNullable(byCode.get(own));
  }

  /** The division itself, then its city, then its province (nearest first). */
  public List<Division> lineage(String code) {
    List<Division> out = new ArrayList<>(3);
    Optional<Division> d = find(code);
    while (d.isPresent()) {
      out.add(d.get());
      d = d.get().parent().map(byCode::get);
    }
    return out;
  }

  public Optional<Division> province(String code) {
    return find(code).flatMap(d -> lineage(d.code()).stream().filter(x -> x.level() == Level.PROVINCE).findFirst());
  }

  public Optional<Division> city(String code) {
    return find(code).flatMap(d -> lineage(d.code()).stream().filter(x -> x.level() == Level.CITY).findFirst());
  }

  /** The divisions directly below a division (cities of a province, counties of a city). */
  /**
   * The code prefix every division within {@code code} starts with, for "who lives in this
   * division" queries: "21", "2100", "210000" give "21" (province); "2101", "210100" give "2101"
   * (city); a county code stays whole. Empty when the code is not 2, 4 or 6 digits.
   */
  public static Optional<String> prefix(String code) {
    if (code == null || !code.matches("\\d{2}|\\d{4}|\\d{6}")) {
      return Optional.empty();
    }
    String prefix = code;
    while (prefix.length() > 2 && prefix.endsWith("00")) {
      prefix = prefix.substring(0, prefix.length() - 2);
    }
    return Optional.of(prefix);
  }

  public List<Division> children(String code) {
    return find(code).map(d -> children.getOrDefault(d.code(), List.of())).orElse(List.of());
  }

  /** Whether {@code descendant} is {@code ancestor} or lies within it. */
  public boolean subsumes(String ancestor, String descendant) {
    Optional<Division> a = find(ancestor);
    return a.isPresent() && lineage(descendant).contains(a.get());
  }

  public Collection<Division> all() {
    return byCode.values();
  }

  public int size() {
    return byCode.size();
  }

  /**
   * Resolves a 6-digit address code to today's division: the county itself if it still exists,
   * the county that replaced it where the change list knows, else its city, else its province.
   */
  public DivisionResolution resolveAddressCode(String addressCode) {
    if (addressCode == null || !addressCode.matches("\\d{6}")) {
      return new DivisionResolution(addressCode, Optional.empty(), Match.UNKNOWN);
    }
    Optional<Division> current = find(addressCode);
    if (current.isPresent()) {
      return new DivisionResolution(addressCode, current, Match.CURRENT);
    }
    String successor = successors.get(addressCode);
    if (successor != null) {
      return new DivisionResolution(addressCode, find(successor), Match.SUCCESSOR);
    }
    Optional<Division> city = Optional.ofNullable(byCode.get(addressCode.substring(0, 4)));
    if (city.isPresent()) {
      return new DivisionResolution(addressCode, city, Match.CITY);
    }
    Optional<Division> province = Optional.ofNullable(byCode.get(addressCode.substring(0, 2)));
    return new DivisionResolution(
        addressCode, province, province.isPresent() ? Match.PROVINCE : Match.UNKNOWN);
  }

  /** The division a card was issued in (the first six digits of the number), resolved to today. */
  public DivisionResolution resolveCardNumber(ResidentIdNumber number) {
    return resolveAddressCode(number.addressCode());
  }

  /** The own-length code for a code given in its own length or padded to six digits. */
  private String ownCode(String code) {
    if (code == null) {
      return null;
    }
    String c = code.strip();
    if (!c.matches("\\d{2}|\\d{4}|\\d{6}")) {
      return null;
    }
    if (c.length() == 6 && !byCode.containsKey(c)) {
      if (c.endsWith("0000")) {
        return c.substring(0, 2);
      }
      if (c.endsWith("00")) {
        return c.substring(0, 4);
      }
    }
    return c;
  }
}
