package cn.healthcard.hub.cards.hsm;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link HsmKeyStore} in a map, for tests that need no database. */
public final class InMemoryHsmKeyStore implements HsmKeyStore {
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  @Override
  public Optional<Entry> load(String alias) {
    return Optional.ofNullable(entries.get(alias));
  }

  @Override
  public Entry insertIfAbsent(Entry entry) {
    Entry previous = entries.putIfAbsent(entry.alias(), entry);
    return previous == null ? entry : previous;
  }
}
