package cn.healthcard.hub.server;

import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicInteger;

/** Fresh, valid identity numbers for tests: each call gives a number no other test uses. */
public final class IdentityNumbers {
  private static final AtomicInteger SEQUENCE = new AtomicInteger((int) (System.nanoTime() % 500));

  private IdentityNumbers() {}

  /** A new valid number for someone born on {@code birthDate}, in Shenyang's Heping district. */
  public static String next(LocalDate birthDate) {
    int n = SEQUENCE.incrementAndGet();
    // vary the county code too, so more than 1,000 people can share a birth date
    String area = String.format("2101%02d", 2 + (n / 1000) % 90);
    String body =
        area + birthDate.format(DateTimeFormatter.BASIC_ISO_DATE) + String.format("%03d", n % 1000);
    return body + ResidentIdNumber.checkCharacter(body);
  }

  /** A new valid number of a woman ({@code female}) or a man born on {@code birthDate}. */
  public static String next(LocalDate birthDate, boolean female) {
    while (true) {
      String number = next(birthDate);
      if ((ResidentIdNumber.parse(number).sex() == ResidentIdNumber.Sex.FEMALE) == female) {
        return number;
      }
    }
  }

  public static String next() {
    return next(LocalDate.of(1980, 1, 1).plusDays(SEQUENCE.get() % 9000));
  }
}
