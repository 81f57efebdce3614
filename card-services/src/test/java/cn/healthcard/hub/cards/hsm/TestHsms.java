package cn.healthcard.hub.cards.hsm;

import javax.sql.DataSource;

/** Software HSMs for tests: a fixed passphrase and few PBKDF2 iterations (fast start). */
public final class TestHsms {
  public static final String PASSPHRASE = "test passphrase for the card HSM";
  public static final SoftwareHsm.Settings FAST = new SoftwareHsm.Settings(1_000, 1_000);

  private TestHsms() {}

  /** An HSM whose keys are kept in {@code hub.hsm_key} of {@code dataSource}. */
  public static SoftwareHsm open(DataSource dataSource) {
    return new SoftwareHsm(new JdbcHsmKeyStore(dataSource), PASSPHRASE.toCharArray(), FAST);
  }

  /** An HSM whose keys live only in memory. */
  public static SoftwareHsm inMemory() {
    return new SoftwareHsm(new InMemoryHsmKeyStore(), PASSPHRASE.toCharArray(), FAST);
  }
}
