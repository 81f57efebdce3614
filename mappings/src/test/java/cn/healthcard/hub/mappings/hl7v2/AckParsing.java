package cn.healthcard.hub.mappings.hl7v2;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;

/** Whether HAPI (as a sender's engine would) can parse an ACK or RSP the hub built. */
final class AckParsing {

  private static final HapiContext CONTEXT = new DefaultHapiContext();

  static {
    CONTEXT.setValidationContext(ValidationContextFactory.noValidation());
    CONTEXT.setModelClassFactory(new CanonicalModelClassFactory("2.5.1"));
    // a 2.8.2 or 2.9 sender's engine knows its own version; HAPI 2.6 stops at 2.8.1
    CONTEXT.getParserConfiguration().setAllowUnknownVersions(true);
  }

  private AckParsing() {}

  static Message parse(String ack) throws Exception {
    return CONTEXT.getPipeParser().parse(ack);
  }

  /** An ACK, or for a query the RSP^K11 that answers it. */
  static boolean parses(String ack) {
    try {
      Message m = parse(ack);
      return m.getName().startsWith("ACK") || m.getName().equals("RSP_K11");
    } catch (Exception e) {
      return false;
    }
  }

  static boolean parsesAs(String message, String structure) {
    try {
      return parse(message).getName().equals(structure);
    } catch (Exception e) {
      return false;
    }
  }
}
