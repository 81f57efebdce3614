package cn.healthcard.hub.server.immunization;

import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Operators' view of the immunization projection behind coverage: progress, rebuild. */
@RestController
@RequestMapping("/admin/immunization")
public class ImmunizationAdmin {
  private final ImmunizationProjectionRebuild rebuild;

  public ImmunizationAdmin(ImmunizationProjectionRebuild rebuild) {
    this.rebuild = rebuild;
  }

  @GetMapping("/projection")
  public Map<String, Object> status() {
    return rebuild.status();
  }

  @PostMapping("/projection/rebuild")
  public ResponseEntity<Map<String, Object>> start() {
    boolean started = rebuild.start();
    return ResponseEntity.status(started ? 202 : 409).body(rebuild.status());
  }
}
