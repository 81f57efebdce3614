package cn.healthcard.hub.insurance.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Optional;

/** Who is calling, as the insurance operations need it; the application implements it from its security. */
public interface InsuranceCallers {

  /** The institution a hospital's client acts for; empty for callers bound to none. */
  Optional<String> institution(RequestDetails request);

  /** The actor recorded for what the caller does (client, practitioner). */
  String actor(RequestDetails request);

  /**
   * The division an insurance office is limited to; empty for operators and province-wide
   * offices (and without security).
   */
  default Optional<String> division(RequestDetails request) {
    return Optional.empty();
  }

  /** Without security (development, benchmarks): every caller is the one local institution. */
  InsuranceCallers UNSECURED = new InsuranceCallers() {
    @Override
    public Optional<String> institution(RequestDetails request) {
      return Optional.of("local");
    }

    @Override
    public String actor(RequestDetails request) {
      return "local";
    }
  };
}
