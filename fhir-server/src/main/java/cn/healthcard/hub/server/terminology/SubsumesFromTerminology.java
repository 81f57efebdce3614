package cn.healthcard.hub.server.terminology;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import cn.healthcard.hub.terminology.Subsumption;
import cn.healthcard.hub.terminology.Terminology;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Parameters;

/**
 * Answers {@code CodeSystem/$subsumes} for the hub's own hierarchical code systems from the
 * in-memory terminology (the same content the repository holds). HAPI's JPA implementation of
 * the operation needs Hibernate Search, which the hub does not run: indexing every resource into
 * Lucene would cost every write for the sake of one terminology operation. Requests about other
 * systems go on to HAPI unchanged.
 */
@Interceptor
public final class SubsumesFromTerminology {

  private final Terminology terminology;

  public SubsumesFromTerminology(Terminology terminology) {
    this.terminology = terminology;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
  public boolean subsumes(RequestDetails request, HttpServletResponse response) throws IOException {
    if (!"$subsumes".equals(request.getOperation()) || !"CodeSystem".equals(request.getResourceName())) {
      return true;
    }
    String system = null;
    String codeA = null;
    String codeB = null;
    if (request.getRequestType() == RequestTypeEnum.POST) {
      Parameters in = request.getFhirContext().newJsonParser()
          .parseResource(Parameters.class, new String(request.loadRequestContents(), StandardCharsets.UTF_8));
      system = primitive(in, "system");
      codeA = primitive(in, "codeA");
      codeB = primitive(in, "codeB");
      if (in.getParameter("codingA") != null && in.getParameter("codingA").getValue() instanceof Coding a) {
        system = a.getSystem();
        codeA = a.getCode();
      }
      if (in.getParameter("codingB") != null && in.getParameter("codingB").getValue() instanceof Coding b) {
        codeB = b.getCode();
        system = system == null ? b.getSystem() : system;
      }
    } else {
      system = first(request, "system");
      codeA = first(request, "codeA");
      codeB = first(request, "codeB");
    }
    if (system == null || request.getId() != null) {
      return true;
    }
    Optional<Subsumption> outcome;
    try {
      outcome = terminology.subsumes(system, codeA, codeB);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage());
    }
    if (outcome.isEmpty()) {
      return true;
    }
    Parameters out = new Parameters();
    out.addParameter().setName("outcome").setValue(new CodeType(outcome.get().code()));
    EncodingEnum encoding = RestfulServerUtils.determineResponseEncodingWithDefault(request).getEncoding();
    response.setStatus(200);
    response.setCharacterEncoding("UTF-8");
    response.setContentType(encoding.getResourceContentTypeNonLegacy());
    try (Writer writer = response.getWriter()) {
      encoding.newParser(request.getFhirContext()).encodeResourceToWriter(out, writer);
    }
    return false;
  }

  private static String first(RequestDetails request, String name) {
    String[] values = request.getParameters().get(name);
    return values == null || values.length == 0 ? null : values[0];
  }

  private static String primitive(Parameters in, String name) {
    var p = in.getParameter(name);
    return p == null || p.getValue() == null ? null : p.getValue().primitiveValue();
  }
}
