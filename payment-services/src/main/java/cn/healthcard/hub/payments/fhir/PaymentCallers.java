package cn.healthcard.hub.payments.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Optional;

/** Who is calling, as the payment operations need it; the application implements it from its security. */
public interface PaymentCallers {

  /**
   * The institution the caller places orders for (its own: the number space of merchant order
   * numbers); empty when the caller is bound to none (an operator), who may not place orders.
   */
  Optional<String> institution(RequestDetails request);

  /** Without security (development, benchmarks): every caller is the one local institution. */
  PaymentCallers UNSECURED = request -> Optional.of("local");
}
