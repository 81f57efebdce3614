package cn.healthcard.hub.server.federation;

import cn.healthcard.hub.federation.index.PersonIndex;
import cn.healthcard.hub.federation.index.PersonIndexOutbox;
import cn.healthcard.hub.federation.index.PersonIndexRebuild;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operators' view of the person index: the Patient writes waiting to be indexed and the oldest's
 * age, how many people it holds, a full rebuild and its progress.
 */
@RestController
@ConditionalOnProperty(name = "hub.elasticsearch.enabled", havingValue = "true", matchIfMissing = true)
@RequestMapping("/admin/federation/person-index")
class PersonIndexAdmin {
  private final PersonIndex index;
  private final PersonIndexOutbox outbox;
  private final PersonIndexRebuild rebuild;

  PersonIndexAdmin(PersonIndex index, PersonIndexOutbox outbox, PersonIndexRebuild rebuild) {
    this.index = index;
    this.outbox = outbox;
    this.rebuild = rebuild;
  }

  @GetMapping
  public Map<String, Object> status() throws SQLException {
    Map<String, Object> status = new LinkedHashMap<>();
    PersonIndexOutbox.Backlog backlog = outbox.backlog();
    status.put("pending", backlog.pending());
    status.put("oldestPendingSeconds", backlog.oldest().toSeconds());
    Object indexed;
    try {
      indexed = index.count();
    } catch (RuntimeException e) {
      indexed = "unavailable";
    }
    status.put("indexed", indexed);
    status.put("rebuild", rebuild.status());
    return status;
  }

  @PostMapping("/rebuild")
  public ResponseEntity<Map<String, Object>> rebuild() throws SQLException {
    boolean started = rebuild.start();
    return ResponseEntity.status(started ? 202 : 409).body(status());
  }
}
