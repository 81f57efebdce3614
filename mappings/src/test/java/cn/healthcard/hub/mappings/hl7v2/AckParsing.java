package cn.healthcard.hub.mappings.hl7v2;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;

/** Whether HAPI (as a sender's engine would) can parse an ACK the hub built. */
final class AckParsing {

  private static final HapiContext CONTEXT = new DefaultHapiContext();

  static {
    CONTEXT.setValidationContext(ValidationContextFactory.noValidation());
    CONTEXT.setModelClassFactory(new CanonicalModelClassFactory("2.5.1"));
  }

  private AckParsing() {}

  static Message parse(String ack) throws Exception {
    return CONTEXT.getPipeParser().parse(ack);
  }

  static boolean parses(String ack) {
    try {
      Message m = parse(ack);
      return m.getName().startsWith("ACK");
    } catch (Exception e) {
      return false;
    }
  }
}
