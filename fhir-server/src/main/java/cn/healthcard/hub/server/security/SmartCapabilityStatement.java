package cn.healthcard.hub.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;

/** The CapabilityStatement's {@code rest.security} names the SMART service and its token URL. */
@Interceptor
public final class SmartCapabilityStatement {
  private final String publicUrl;

  public SmartCapabilityStatement(String publicUrl) {
    this.publicUrl = publicUrl;
  }

  @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
  public void addSecurity(IBaseConformance generated, RequestDetails request) {
    if (!(generated instanceof CapabilityStatement capabilities) || capabilities.getRest().isEmpty()) {
      return;
    }
    String base = request instanceof ServletRequestDetails servlet
        ? SmartDiscovery.baseUrl(publicUrl, servlet.getServletRequest())
        : publicUrl;
    CapabilityStatement.CapabilityStatementRestSecurityComponent security =
        capabilities.getRestFirstRep().getSecurity();
    security.setCors(false);
    security.getService().clear();
    security.addService(new CodeableConcept().addCoding(new Coding(
        "http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")));
    security.setDescription("OAuth 2.0 client credentials (SMART Backend Services: private_key_jwt,"
        + " or client_secret_basic); discovery at .well-known/smart-configuration");
    if (base != null) {
      Extension uris = new Extension("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
      uris.addExtension("token", new UriType(base + "/oauth2/token"));
      security.getExtension().removeIf(e -> e.getUrl().equals(uris.getUrl()));
      security.addExtension(uris);
    }
  }
}
