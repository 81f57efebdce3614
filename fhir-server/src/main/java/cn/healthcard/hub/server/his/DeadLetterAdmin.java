package cn.healthcard.hub.server.his;

import cn.healthcard.hub.routes.his.HisInbox.DeadLetter;
import cn.healthcard.hub.routes.his.HisInbox.Status;
import cn.healthcard.hub.routes.his.HisRoutes;
import java.util.List;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operators' view of the HL7 v2 inbox: counts by status, the dead letters with their reasons
 * (ids, senders, control ids and types only, never message content), replay of one or all.
 */
@RestController
@RequestMapping("/admin/hl7v2")
public class DeadLetterAdmin {

  private final JdbcHisInbox inbox;
  private final ProducerTemplate producer;

  public DeadLetterAdmin(JdbcHisInbox inbox, ProducerTemplate producer) {
    this.inbox = inbox;
    this.producer = producer;
  }

  @GetMapping("/inbox")
  public Map<Status, Long> counts() {
    return inbox.counts();
  }

  @GetMapping("/dead-letters")
  public List<DeadLetter> deadLetters(@RequestParam(defaultValue = "100") int limit) {
    return inbox.deadLetters(Math.max(1, Math.min(limit, 1000)));
  }

  @PostMapping("/dead-letters/{id}/replay")
  public ResponseEntity<Map<String, Object>> replay(@PathVariable long id) {
    if (!inbox.requeue(id)) {
      return ResponseEntity.status(404).body(Map.of("error", "no dead letter " + id));
    }
    enqueue(id);
    return ResponseEntity.ok(Map.of("replayed", List.of(id)));
  }

  @PostMapping("/dead-letters/replay")
  public Map<String, Object> replayAll() {
    List<Long> ids = inbox.requeueAll();
    ids.forEach(this::enqueue);
    return Map.of("replayed", ids);
  }

  private void enqueue(long id) {
    producer.sendBodyAndHeader("direct:his-enqueue", id, HisRoutes.INBOX_ID, id);
  }
}
