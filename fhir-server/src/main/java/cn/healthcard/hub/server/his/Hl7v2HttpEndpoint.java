package cn.healthcard.hub.server.his;

import cn.healthcard.hub.routes.his.HisRoutes;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /hl7v2}: one HL7 v2 message in the body (any content type; the bytes are decoded
 * by MSH-18, not by the HTTP charset), the ACK in the response, in the sender's character set.
 * Always 200 when an ACK was produced: AA, AE or AR is in MSA-1, as over MLLP.
 */
@RestController
public class Hl7v2HttpEndpoint {

  private final ProducerTemplate producer;

  public Hl7v2HttpEndpoint(ProducerTemplate producer) {
    this.producer = producer;
  }

  @PostMapping(path = "/hl7v2", consumes = MediaType.ALL_VALUE)
  public ResponseEntity<byte[]> receive(
      @RequestBody(required = false) byte[] body, jakarta.servlet.http.HttpServletRequest request) {
    String bound = cn.healthcard.hub.security.Callers.current()
        .map(cn.healthcard.hub.security.Caller::institution).orElse(null);
    Exchange exchange = producer.request(HisRoutes.HTTP_IN, e -> {
      e.getIn().setBody(body == null ? new byte[0] : body);
      e.getIn().setHeader(HisRoutes.REMOTE_ADDRESS, request.getRemoteAddr());
      e.getIn().setHeader(HisRoutes.BOUND_INSTITUTION, bound);
    });
    if (exchange.getException() != null) {
      throw new IllegalStateException("HL7 v2 intake failed", exchange.getException());
    }
    byte[] ack = exchange.getMessage().getBody(byte[].class);
    String charset = exchange.getMessage().getHeader(HisRoutes.ACK_CHARSET, "UTF-8", String.class);
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType("x-application/hl7-v2+er7; charset=" + charset))
        .body(ack);
  }
}
