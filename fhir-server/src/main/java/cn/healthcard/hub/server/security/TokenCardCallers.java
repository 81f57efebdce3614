package cn.healthcard.hub.server.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import cn.healthcard.hub.cards.fhir.CardCallers;
import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.security.fhir.RequestCallers;
import java.util.Optional;

/**
 * The card platform's callers from their access tokens: the actor is the client (and its
 * practitioner); a card issuer registered with an institution acts for that institution only;
 * a public-health agency sees the statistics of its division only.
 */
public final class TokenCardCallers implements CardCallers {
  @Override
  public String actor(RequestDetails request) {
    return RequestCallers.actor(request);
  }

  @Override
  public Optional<String> boundInstitution(RequestDetails request) {
    return RequestCallers.of(request)
        .filter(c -> !c.has(Role.OPERATOR))
        .map(Caller::institution);
  }

  @Override
  public Optional<String> boundDivision(RequestDetails request) {
    return RequestCallers.of(request)
        .filter(c -> c.has(Role.PUBLIC_HEALTH) && !c.has(Role.OPERATOR))
        .map(Caller::division);
  }
}
