package cn.healthcard.hub.server.payments;

import cn.healthcard.hub.payments.Payments;
import cn.healthcard.hub.payments.channel.PaymentChannel.NotificationAnswer;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /payments/notify/{channel}}: a channel's payment notification. No token: the
 * channel's signature is the authentication, checked by its adapter over the raw body; the
 * answer is in the channel's format (WeChat Pay: 204, or 4xx with a FAIL body to be sent again).
 */
@RestController
public class PaymentNotificationEndpoint {

  private final Payments payments;

  public PaymentNotificationEndpoint(Payments payments) {
    this.payments = payments;
  }

  @PostMapping(path = "/payments/notify/{channel}", consumes = MediaType.ALL_VALUE)
  public ResponseEntity<String> notify(@PathVariable String channel, @RequestBody(required = false) byte[] body,
      HttpServletRequest request) {
    Map<String, String> headers = new HashMap<>();
    for (String name : Collections.list(request.getHeaderNames())) {
      headers.put(name.toLowerCase(Locale.ROOT), request.getHeader(name));
    }
    NotificationAnswer answer;
    try {
      answer = payments.notification(channel, headers, body == null ? "" : new String(body, StandardCharsets.UTF_8));
    } catch (Payments.UnknownChannel e) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN).body(e.getMessage());
    }
    ResponseEntity.BodyBuilder response = ResponseEntity.status(answer.status());
    if (answer.contentType() != null) {
      response.contentType(MediaType.parseMediaType(answer.contentType()));
    }
    return answer.body().isEmpty() ? response.build() : response.body(answer.body());
  }
}
