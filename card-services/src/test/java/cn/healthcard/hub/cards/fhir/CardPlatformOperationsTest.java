package cn.healthcard.hub.cards.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.cards.TestDatabase;
import cn.healthcard.hub.cards.national.CardNumbers;
import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.cards.registry.CardStatus;
import cn.healthcard.hub.cards.registry.CardType;
import cn.healthcard.hub.cards.registry.Channel;
import cn.healthcard.hub.cards.registry.NewCard;
import cn.healthcard.hub.cards.statistics.CardStatistics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.LocalDate;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CardPlatformOperationsTest {
  private CardPlatformOperations operations;

  @BeforeEach
  void oneCardIssuedOnTheLastDayOfMay2024() throws Exception {
    TestDatabase.truncateAll();
    CardRegistry registry = new CardRegistry(TestDatabase.dataSource());
    Card card =
        registry.issue(
            new NewCard(CardNumbers.next(), "p1", CardType.ADULT, Channel.KIOSK, "k-1", "210102",
                CardStatus.ACTIVE, "CHIP-STAT", LocalDate.now(), LocalDate.now().plusYears(10), "k-1", "test"));
    try (Connection connection = TestDatabase.dataSource().getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "update hub.card set created_at = '2024-05-31 22:00:00+08' where id = ?")) {
      update.setObject(1, card.id());
      update.executeUpdate();
    }
    operations = new CardPlatformOperations(new CardStatistics(TestDatabase.dataSource()), null, CardCallers.UNSECURED);
  }

  private String total(String from, String to) {
    Parameters out =
        operations.cardStatistics(
            null,
            new CodeType("status"),
            null,
            null,
            null,
            from == null ? null : new DateType(from),
            to == null ? null : new DateType(to),
            null);
    return out.getParameter("total").getValue().primitiveValue();
  }

  @Test
  void aYearOrAMonthCoversTheWholePeriod() {
    assertThat(total("2024-05", "2024-05")).isEqualTo("1");
    assertThat(total("2024", "2024")).isEqualTo("1");
    assertThat(total("2024-06", null)).isEqualTo("0");
    assertThat(total(null, "2024-04")).isEqualTo("0");
    assertThat(total("2024-05-31", "2024-05-31")).isEqualTo("1");
  }

  @Test
  void fromIsTheFirstDayOfThePeriodAndToItsLast() {
    assertThat(CardPlatformOperations.day(new DateType("2024"), "from", false)).isEqualTo(LocalDate.of(2024, 1, 1));
    assertThat(CardPlatformOperations.day(new DateType("2024"), "to", true)).isEqualTo(LocalDate.of(2024, 12, 31));
    assertThat(CardPlatformOperations.day(new DateType("2024-02"), "from", false)).isEqualTo(LocalDate.of(2024, 2, 1));
    assertThat(CardPlatformOperations.day(new DateType("2024-02"), "to", true)).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(CardPlatformOperations.day(new DateType("2024-02-10"), "to", true)).isEqualTo(LocalDate.of(2024, 2, 10));
    assertThat(CardPlatformOperations.day(new DateType(), "to", true)).isNull();
  }
}
