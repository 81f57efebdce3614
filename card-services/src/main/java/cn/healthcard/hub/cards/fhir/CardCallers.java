package cn.healthcard.hub.cards.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Optional;

/**
 * Who is calling a card operation, as the hub's security established it (the access token, not
 * anything the request says about itself). The server implements it.
 */
public interface CardCallers {
  /** The actor recorded in the card's history. */
  String actor(RequestDetails request);

  /**
   * The institution the caller may act for, when it is bound to one: a card issuer issues and
   * changes cards of its own institution only. Empty when the caller may act for any (an
   * operator, a provincial issuing system).
   */
  Optional<String> boundInstitution(RequestDetails request);

  /**
   * The division (GB/T 2260 prefix) the caller's statistics are limited to, when it is bound to
   * one (a public-health agency of a city or county).
   */
  default Optional<String> boundDivision(RequestDetails request) {
    return Optional.empty();
  }

  /** Without security (development): the actor is unknown and nothing is bound. */
  CardCallers UNSECURED = new CardCallers() {
    @Override
    public String actor(RequestDetails request) {
      return "unauthenticated-client";
    }

    @Override
    public Optional<String> boundInstitution(RequestDetails request) {
      return Optional.empty();
    }
  };
}
