package cn.healthcard.hub.mappings.hl7v2.qbp;

import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;

/**
 * Who a QBP^Q11 (Z34/Z44) asks about: QPD-3 to QPD-9 of the CDC IIS guide, read with the same
 * rules as PID (identifier systems in the sender's namespaces, the health-card number recognised
 * by its assigning authority and normalised to 18 characters).
 *
 * @param identifiers QPD-3 (patient identifier list), the health-card number first when there is
 *     one
 * @param cardNumber the health-card number of QPD-3, if any
 * @param name QPD-4 (patient name)
 * @param mothersMaidenName QPD-5 family name
 * @param birthDate QPD-6 as a FHIR date ({@code yyyy-MM-dd}, or less precise as sent)
 * @param gender QPD-7 (table 0001 or GB/T 2261.1)
 * @param address QPD-8
 * @param phone QPD-9
 */
public record QueryParameters(
    List<Identifier> identifiers,
    Optional<Identifier> cardNumber,
    Optional<HumanName> name,
    Optional<String> mothersMaidenName,
    Optional<String> birthDate,
    Optional<AdministrativeGender> gender,
    Optional<Address> address,
    Optional<ContactPoint> phone) {

  public QueryParameters {
    identifiers = identifiers.stream().map(Identifier::copy).toList();
    cardNumber = cardNumber.map(Identifier::copy);
    name = name.map(HumanName::copy);
    address = address.map(Address::copy);
    phone = phone.map(ContactPoint::copy);
  }

  /**
   * The Patient search by identifier ({@code identifier=system|value,...}: any of them), the first
   * search to try; empty without QPD-3. Contains the card number: never log it.
   */
  public Optional<String> identifierSearch() {
    return identifiers.isEmpty() ? Optional.empty() : Optional.of(SearchUrls.identifierQuery(identifiers));
  }

  /**
   * The Patient search by demographics ({@code family=...&given=...&birthdate=...[&gender=...]}),
   * when QPD-4 has a family name and QPD-6 a date: for queries without a known identifier.
   */
  public Optional<String> demographicSearch() {
    if (name.isEmpty() || !name.get().hasFamily() || birthDate.isEmpty()) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    parts.add("family=" + SearchUrls.encode(name.get().getFamily()));
    if (name.get().hasGiven()) {
      parts.add("given=" + SearchUrls.encode(name.get().getGiven().get(0).getValue()));
    }
    parts.add("birthdate=" + SearchUrls.encode(birthDate.get()));
    gender.ifPresent(g -> parts.add("gender=" + g.toCode()));
    return Optional.of(String.join("&", parts));
  }
}
