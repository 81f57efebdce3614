package cn.healthcard.hub.security.fhir;

import java.util.List;

/** A resident's restrictions on categories of their record (the server keeps them). */
public interface Restrictions {

  /**
   * @param kind {@code label} (a {@code meta.security} coding on any resource) or
   *     {@code category} (a Condition's or Observation's category coding)
   */
  record Restriction(String kind, String system, String code) {}

  List<Restriction> of(String patientId);

  Restrictions NONE = patientId -> List.of();
}
