package cn.healthcard.hub.mappings.bank;

import cn.healthcard.hub.mappings.bank.BankStatement.Charge;
import cn.healthcard.hub.mappings.bank.BankStatement.Entry;
import cn.healthcard.hub.mappings.bank.BankStatement.EntryStatus;
import cn.healthcard.hub.mappings.bank.BankStatement.Transaction;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.RemittanceOutcome;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.PaymentReconciliation;
import org.hl7.fhir.r4.model.PaymentReconciliation.DetailsComponent;
import org.hl7.fhir.r4.model.PaymentReconciliation.PaymentReconciliationStatus;
import org.hl7.fhir.r4.model.Reference;

/**
 * Bank statements (ISO 20022 camt.053, the partner bank's CSV) to FHIR: each entry on the
 * account is a {@code PaymentReconciliation} (amount, booking date, the bank's reference, BOOK
 * active and complete, PDNG draft and queued), each transaction in it a {@code detail} (credits
 * {@code payment}, debits and reversals {@code adjustment}; the end-to-end id; the remittance
 * information as the request it pays, or the hub's payment when it names one), each charge an
 * {@code adjustment} detail. Pure and deterministic; stored by conditional update on the entry's
 * identifier, so the same file again changes nothing.
 */
public final class BankStatementToReconciliation {

  public static final String ENTRY_SYSTEM = HubCodeSystems.BASE + "/NamingSystem/bank-entry";
  public static final String REFERENCE_SYSTEM = HubCodeSystems.BASE + "/NamingSystem/bank-reference";
  public static final String END_TO_END_SYSTEM = HubCodeSystems.BASE + "/NamingSystem/end-to-end-id";
  public static final String REMITTANCE_SYSTEM = HubCodeSystems.BASE + "/NamingSystem/remittance";
  public static final String BIC_SYSTEM = "urn:iso:std:iso:9362";
  private static final String PAYMENT_TYPE = "http://terminology.hl7.org/CodeSystem/payment-type";
  /** A hub payment id in the remittance text: the payer quoted the order they pay. */
  private static final Pattern HUB_PAYMENT = Pattern.compile("\\bP[0-9a-f]{24}\\b");

  private BankStatementToReconciliation() {}

  public enum Format {
    CAMT_053("camt.053"), BANK_CSV("bank-csv");

    private final String code;

    Format(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }

    /** XML is camt.053, anything else the bank's CSV. */
    public static Format of(byte[] file) {
      String head = new String(file, 0, Math.min(file.length, 64), StandardCharsets.UTF_8).replace("\uFEFF", "").strip();
      return head.startsWith("<") ? CAMT_053 : BANK_CSV;
    }
  }

  /**
   * Reads and maps a file.
   *
   * @throws MalformedStatement naming the line and the reason: nothing of the file is taken
   */
  public static Bundle map(byte[] file) {
    return transaction(read(file));
  }

  public static Bundle transaction(List<BankStatement> statements) {
    Bundle bundle = new Bundle().setType(BundleType.TRANSACTION);
    for (BankStatement statement : statements) {
      int n = 0;
      for (Entry entry : statement.entries()) {
        n++;
        PaymentReconciliation r = toFhir(statement, entry, n);
        Identifier id = r.getIdentifierFirstRep();
        bundle.addEntry()
            .setFullUrl("urn:uuid:" + UUID.nameUUIDFromBytes((id.getSystem() + "|" + id.getValue()).getBytes(StandardCharsets.UTF_8)))
            .setResource(r)
            .getRequest().setMethod(HTTPVerb.PUT).setUrl("PaymentReconciliation?identifier=" + id.getSystem() + "|" + id.getValue());
      }
    }
    return bundle;
  }

  /** One entry; {@code n} is its place in the statement (its key when the bank gives no reference). */
  public static PaymentReconciliation toFhir(BankStatement statement, Entry entry, int n) {
    PaymentReconciliation r = new PaymentReconciliation();
    r.addIdentifier().setSystem(ENTRY_SYSTEM)
        .setValue(statement.account() + "/" + entry.reference().orElse(statement.statementId() + "/" + n));
    boolean booked = entry.status() == EntryStatus.BOOKED;
    r.setStatus(booked ? PaymentReconciliationStatus.ACTIVE : PaymentReconciliationStatus.DRAFT);
    statement.from().ifPresent(d -> r.getPeriod().setStartElement(new DateTimeType(d.toString())));
    statement.to().ifPresent(d -> r.getPeriod().setEndElement(new DateTimeType(d.toString())));
    LocalDate date = entry.bookingDate()
        .or(() -> entry.transactions().stream().flatMap(t -> t.valueDate().stream()).findFirst())
        .or(() -> statement.created().map(c -> c.toLocalDate()))
        .orElseThrow(() -> new MalformedStatement(entry.line(), "the entry has no booking date, value date or statement date"));
    r.setCreatedElement(statement.created()
        .map(c -> new DateTimeType(c.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME)))
        .orElse(new DateTimeType(date.toString())));
    statement.servicer().ifPresent(bic -> r.setPaymentIssuer(new Reference()
        .setIdentifier(new Identifier().setSystem(BIC_SYSTEM).setValue(bic)).setDisplay(bic)));
    r.setOutcome(booked ? RemittanceOutcome.COMPLETE : RemittanceOutcome.QUEUED);
    r.setDisposition(statement.format() + " statement " + statement.statementId() + (entry.reversal() ? ", reversal" : ""));
    r.setPaymentDateElement(new DateType(date.toString()));
    r.setPaymentAmount(money(entry.amount(), entry.currency()));
    entry.reference().ifPresent(ref -> r.setPaymentIdentifier(new Identifier().setSystem(REFERENCE_SYSTEM).setValue(ref)));
    for (Transaction t : entry.transactions()) {
      DetailsComponent d = r.addDetail();
      t.endToEndId().ifPresent(e -> d.setIdentifier(new Identifier().setSystem(END_TO_END_SYSTEM).setValue(e)));
      boolean payment = t.amount().signum() > 0 && !entry.reversal();
      d.setType(type(payment ? "payment" : "adjustment", null));
      t.remittance().ifPresent(text -> {
        Matcher hub = HUB_PAYMENT.matcher(text);
        if (hub.find()) {
          d.setPredecessor(new Identifier().setSystem(HubCodeSystems.PAYMENT).setValue(hub.group()));
        } else {
          d.setRequest(new Reference().setIdentifier(new Identifier().setSystem(REMITTANCE_SYSTEM)
              .setValue(text.length() > 140 ? text.substring(0, 140) : text)));
        }
      });
      d.setDateElement(new DateType(t.valueDate().orElse(date).toString()));
      d.setAmount(money(t.amount(), entry.currency()));
    }
    for (Charge c : entry.charges()) {
      DetailsComponent d = r.addDetail();
      d.setType(type("adjustment", "bank charge" + c.kind().map(k -> " " + k).orElse("")));
      d.setDateElement(new DateType(date.toString()));
      d.setAmount(money(c.amount(), entry.currency()));
    }
    return r;
  }

  private static CodeableConcept type(String code, String text) {
    CodeableConcept type = new CodeableConcept(new Coding(PAYMENT_TYPE, code, code.equals("payment") ? "Payment" : "Adjustment"));
    return text == null ? type : type.setText(text);
  }

  private static Money money(BigDecimal amount, String currency) {
    return new Money().setValue(amount).setCurrency(currency);
  }

  /** The statements a file holds, read but not mapped (the intake's check and summary). */
  public static List<BankStatement> read(byte[] file) {
    return Format.of(file) == Format.CAMT_053 ? Camt053Reader.read(file) : BankCsvReader.read(file);
  }
}
