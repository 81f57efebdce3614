package cn.healthcard.hub.insurance.fhir;

import cn.healthcard.hub.insurance.enrolment.Enrolment;
import cn.healthcard.hub.insurance.enrolment.EnrolmentStatus;
import cn.healthcard.hub.insurance.enrolment.Enrolments;
import cn.healthcard.hub.insurance.enrolment.Premium;
import cn.healthcard.hub.insurance.scheme.Scheme;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InsurancePlan;
import org.hl7.fhir.r4.model.Invoice;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/** Schemes, enrolments and premiums as FHIR: InsurancePlan, Coverage (one per member), Invoice. Pure. */
public final class EnrolmentToFhir {

  private EnrolmentToFhir() {}

  public static InsurancePlan plan(Scheme scheme) {
    InsurancePlan plan = new InsurancePlan();
    plan.addIdentifier(new Identifier().setSystem(InsuranceCodes.SCHEME).setValue(scheme.product()));
    plan.setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);
    plan.addType(schemeType());
    plan.setName(scheme.name());
    plan.setPeriod(period(scheme));
    plan.addExtension(HubCodeSystems.BASE + "/StructureDefinition/insurance-scheme-version",
        new org.hl7.fhir.r4.model.StringType(scheme.reference()));
    plan.addExtension(HubCodeSystems.BASE + "/StructureDefinition/insurance-scheme-county",
        new Coding(HubCodeSystems.DIVISION, scheme.county(), null));
    InsurancePlan.InsurancePlanPlanComponent p = plan.addPlan();
    p.addIdentifier(new Identifier().setSystem(InsuranceCodes.SCHEME).setValue(scheme.product() + "/" + scheme.year()));
    p.addGeneralCost().setType(new CodeableConcept(new Coding(InsuranceCodes.BENEFIT_TYPE, "contribution",
        "Premium per enrolled person"))).setCost(SettlementToFhir.money(scheme.contributionFen()));
    return plan;
  }

  public static Coverage coverage(Scheme scheme, Enrolment e, String headPatient) {
    Coverage c = new Coverage();
    c.addIdentifier(new Identifier().setSystem(InsuranceCodes.ENROLMENT).setValue(e.id()));
    c.setStatus(switch (e.status()) {
      case PENDING -> Coverage.CoverageStatus.DRAFT;
      case ACTIVE -> Coverage.CoverageStatus.ACTIVE;
      case LAPSED, CANCELLED -> Coverage.CoverageStatus.CANCELLED;
    });
    c.setType(schemeType());
    c.setSubscriber(new Reference("Patient/" + headPatient));
    c.setBeneficiary(new Reference("Patient/" + e.patient()));
    c.setRelationship(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/subscriber-relationship",
        e.head() ? "self" : "other", null)));
    Period period = period(scheme);
    if (e.coveredFrom().isPresent() && e.status() == EnrolmentStatus.ACTIVE) {
      period.setStartElement(new DateTimeType(e.coveredFrom().get().toString()));
    }
    c.setPeriod(period);
    c.addPayor(new Reference().setIdentifier(new Identifier().setSystem(InsuranceCodes.SCHEME).setValue(scheme.product()))
        .setDisplay(scheme.name()));
    c.addClass_().setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/coverage-class",
        "plan", "Plan"))).setValue(scheme.product()).setName(scheme.name());
    c.addClass_().setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/coverage-class",
        "group", "Group"))).setValue(e.household()).setName("household");
    return c;
  }

  public static Invoice invoice(Scheme scheme, Premium premium, String household, String headPatient,
      List<Enrolment> members) {
    Invoice i = new Invoice();
    i.addIdentifier(new Identifier().setSystem(InsuranceCodes.PREMIUM).setValue(premium.id()));
    i.setStatus(switch (premium.status()) {
      case "paid" -> Invoice.InvoiceStatus.BALANCED;
      case "lapsed" -> Invoice.InvoiceStatus.CANCELLED;
      default -> Invoice.InvoiceStatus.ISSUED;
    });
    if ("lapsed".equals(premium.status())) {
      i.setCancelledReason("unpaid past the due date and the grace period");
    }
    i.setType(new CodeableConcept(new Coding(InsuranceCodes.BENEFIT_TYPE, "premium", "Scheme premium")));
    i.setSubject(new Reference("Group/" + household));
    i.setRecipient(new Reference("Patient/" + headPatient));
    i.setDateElement(new DateTimeType(java.time.LocalDate.ofInstant(java.time.Instant.now(), Enrolments.CHINA).toString()));
    i.setIssuer(new Reference().setIdentifier(new Identifier().setSystem(InsuranceCodes.SCHEME).setValue(scheme.product())));
    i.setPaymentTerms("due " + premium.dueOn() + ", " + scheme.premiumGraceDays() + " days' grace");
    int sequence = 1;
    for (Enrolment e : members) {
      Invoice.InvoiceLineItemComponent line = i.addLineItem().setSequence(sequence++)
          .setChargeItem(new CodeableConcept(new Coding(InsuranceCodes.BENEFIT_TYPE, "contribution",
              "Premium for Patient/" + e.patient())));
      line.addPriceComponent().setType(Invoice.InvoicePriceComponentType.BASE)
          .setAmount(SettlementToFhir.money(scheme.contributionFen()));
    }
    i.setTotalNet(SettlementToFhir.money(premium.amountFen()));
    i.setTotalGross(SettlementToFhir.money(premium.amountFen()));
    premium.paidAt().ifPresent(t -> i.setDate(Date.from(t)));
    return i;
  }

  private static CodeableConcept schemeType() {
    return new CodeableConcept(new Coding(InsuranceCodes.SCHEME_TYPE, "resident-basic",
        "Basic medical insurance for rural and urban residents (NCMS)"));
  }

  private static Period period(Scheme scheme) {
    return new Period().setStartElement(new DateTimeType(scheme.firstDay().toString()))
        .setEndElement(new DateTimeType(scheme.lastDay().toString()));
  }
}
