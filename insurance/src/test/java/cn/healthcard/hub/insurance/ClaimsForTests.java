package cn.healthcard.hub.insurance;

import cn.healthcard.hub.insurance.fhir.InsuranceCodes;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/** Claims and card numbers as the module's tests need them. */
public final class ClaimsForTests {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private ClaimsForTests() {}

  /** A new card number issued in {@code county}, of a man or a woman born on 1970-01-01 + n days. */
  public static String card(String county, boolean female) {
    while (true) {
      int n = SEQUENCE.incrementAndGet();
      String birth = java.time.LocalDate.of(1960, 1, 1).plusDays(n / 500).format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
      String body = county + birth + String.format("%03d", n % 500 * 2 + (female ? 0 : 1));
      String number = body + ResidentIdNumber.checkCharacter(body);
      if ((ResidentIdNumber.parse(number).sex() == ResidentIdNumber.Sex.FEMALE) == female) {
        return number;
      }
    }
  }

  /** One item: catalogue code, class, quantity, unit price in yuan. */
  public record Item(String code, String itemClass, String quantity, String unitYuan) {}

  public static Item item(String code, String itemClass, String quantity, String unitYuan) {
    return new Item(code, itemClass, quantity, unitYuan);
  }

  /**
   * @param from care began (China local time, ISO)
   * @param to discharge (inpatient) or the end of the visit
   */
  public static Claim claim(String number, String card, boolean inpatient, String from, String to, Item... items) {
    Claim c = new Claim();
    c.addIdentifier().setValue(number);
    c.setStatus(Claim.ClaimStatus.ACTIVE);
    c.setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/claim-type",
        inpatient ? "institutional" : "professional", null)));
    c.setUse(Claim.Use.CLAIM);
    c.setPatient(new Reference().setIdentifier(new Identifier().setSystem(ResidentIdNumber.HEALTH_CARD_SYSTEM).setValue(card)));
    c.setCreated(new Date());
    c.setBillablePeriod(new Period().setStart(at(from)).setEnd(at(to)));
    c.addDiagnosis().setSequence(1).setDiagnosis(new CodeableConcept(new Coding("http://hl7.org/fhir/sid/icd-10", "J18.9", null)));
    int sequence = 1;
    for (Item item : items) {
      c.addItem().setSequence(sequence++)
          .setProductOrService(new CodeableConcept(new Coding(InsuranceCodes.CATALOGUE, item.code(), null)))
          .setCategory(new CodeableConcept(new Coding(InsuranceCodes.ITEM_CLASS, item.itemClass(), null)))
          .setQuantity(new Quantity().setValue(new BigDecimal(item.quantity())))
          .setUnitPrice(new Money().setValue(new BigDecimal(item.unitYuan())).setCurrency("CNY"));
    }
    return c;
  }

  public static Claim reversal(String originalNumber) {
    Claim c = new Claim();
    c.setStatus(Claim.ClaimStatus.CANCELLED);
    c.addRelated().setClaim(new Reference().setIdentifier(new Identifier().setValue(originalNumber)));
    return c;
  }

  static Date at(String chinaLocal) {
    return Date.from(LocalDateTime.parse(chinaLocal).toInstant(ZoneOffset.ofHours(8)));
  }
}
