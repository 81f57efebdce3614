package cn.healthcard.hub.cards.institution;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.cards.TestDatabase;
import cn.healthcard.hub.cards.national.MutableClock;
import cn.healthcard.hub.crypto.sm.Sm2;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two hub instances share the institutions table; each caches what it read. */
class InstitutionsTest {
  private final DataSource db = TestDatabase.dataSource();
  private final MutableClock clock = MutableClock.atSystemTime();
  private Institutions here;
  private Institutions elsewhere;

  @BeforeEach
  void twoInstances() {
    TestDatabase.truncateAll();
    here = new Institutions(db, Institutions.DEFAULT_TTL, 3, clock);
    elsewhere = new Institutions(db, Institutions.DEFAULT_TTL, 3, clock);
  }

  private static Institution kiosk(String id, boolean enabled, String key) {
    return new Institution(id, "kiosk", "Kiosk " + id, "210102", key, enabled);
  }

  @Test
  void anInstitutionDisabledOnAnotherInstanceIsRefusedHereOnceTheTtlHasPassed() {
    elsewhere.save(kiosk("KIOSK-1", true, null));
    assertThat(here.find("KIOSK-1")).map(Institution::enabled).contains(true);

    elsewhere.save(kiosk("KIOSK-1", false, null));
    clock.advance(Institutions.DEFAULT_TTL.minusSeconds(1));
    assertThat(here.find("KIOSK-1")).map(Institution::enabled).contains(true);

    clock.advance(Duration.ofSeconds(2));
    assertThat(here.find("KIOSK-1")).map(Institution::enabled).contains(false);
    assertThat(Institutions.DEFAULT_TTL).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aKeyRotatedOnAnotherInstanceIsUsedHereOnceTheTtlHasPassed() {
    String oldKey = Sm2.encodePublicKey(Sm2.generateKeyPair().getPublic());
    String newKey = Sm2.encodePublicKey(Sm2.generateKeyPair().getPublic());
    elsewhere.save(kiosk("KIOSK-2", true, oldKey));
    assertThat(Sm2.encodePublicKey(here.publicKey("KIOSK-2").orElseThrow())).isEqualTo(oldKey);

    elsewhere.save(kiosk("KIOSK-2", true, newKey));
    clock.advance(Institutions.DEFAULT_TTL.plusSeconds(1));

    assertThat(Sm2.encodePublicKey(here.publicKey("KIOSK-2").orElseThrow())).isEqualTo(newKey);
  }

  @Test
  void anUnknownInstitutionIsNotRememberedAsUnknown() {
    assertThat(here.find("KIOSK-NEW")).isEmpty();

    elsewhere.save(kiosk("KIOSK-NEW", true, null));

    assertThat(here.find("KIOSK-NEW")).isPresent();
  }

  @Test
  void theCacheIsBounded() {
    for (int i = 0; i < 10; i++) {
      elsewhere.save(kiosk("KIOSK-B" + i, true, null));
      assertThat(here.find("KIOSK-B" + i)).isPresent();
    }
    assertThat(here.find("KIOSK-NONE")).isEmpty();

    assertThat(here.cachedCount()).isEqualTo(3);
  }
}
