package cn.healthcard.hub.cards.national;

import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicInteger;

/** Fresh valid card (resident identity) numbers for tests, registered in Shenyang. */
public final class CardNumbers {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private CardNumbers() {}

  public static String next() {
    int n = SEQUENCE.incrementAndGet();
    String area = String.format("2101%02d", 2 + (n / 1000) % 90);
    LocalDate birth = LocalDate.of(1970, 1, 1).plusDays(n % 15000);
    String body =
        area + birth.format(DateTimeFormatter.BASIC_ISO_DATE) + String.format("%03d", n % 1000);
    return body + ResidentIdNumber.checkCharacter(body);
  }
}
