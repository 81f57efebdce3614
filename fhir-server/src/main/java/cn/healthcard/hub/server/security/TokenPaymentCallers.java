package cn.healthcard.hub.server.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import cn.healthcard.hub.payments.fhir.PaymentCallers;
import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.security.fhir.RequestCallers;
import java.util.Optional;

/** The payment operations' callers from the request's token: a hospital acts for its own institution. */
public final class TokenPaymentCallers implements PaymentCallers {
  @Override
  public Optional<String> institution(RequestDetails request) {
    return RequestCallers.of(request).filter(c -> c.has(Role.HOSPITAL)).map(Caller::institution);
  }
}
