package cn.healthcard.hub.server.insurance;

import cn.healthcard.hub.insurance.Insurance;
import cn.healthcard.hub.insurance.claims.ClaimLedger;
import cn.healthcard.hub.insurance.scheme.HospitalLevel;
import cn.healthcard.hub.insurance.scheme.InvalidScheme;
import cn.healthcard.hub.insurance.scheme.Provider;
import cn.healthcard.hub.insurance.scheme.Scheme;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operators' insurance administration: load a scheme document (each load a new version; settled
 * claims keep theirs), see the schemes, register hospitals (level, county, designated), and what
 * the fund owes a hospital.
 */
@RestController
@RequestMapping("/admin/insurance")
class InsuranceAdmin {
  private final Insurance insurance;
  private final cn.healthcard.hub.insurance.NightlySupervision supervision;
  private final cn.healthcard.hub.insurance.bank.BankLink bank;
  private final java.nio.file.Path bankOutbound;

  InsuranceAdmin(Insurance insurance, cn.healthcard.hub.insurance.NightlySupervision supervision,
      cn.healthcard.hub.insurance.bank.BankLink bank, cn.healthcard.hub.server.HubProperties hub) {
    this.insurance = insurance;
    this.supervision = supervision;
    this.bank = bank;
    this.bankOutbound = InsuranceFilesConfig.outbound(hub, "insurance-bank");
  }

  /** A batch of a county's due premiums for the partner bank to deduct; 204 when none is due. */
  @PostMapping("/bank/premium-collection")
  public ResponseEntity<Map<String, Object>> collectPremiums(@org.springframework.web.bind.annotation.RequestParam String county,
      java.security.Principal principal) throws java.io.IOException {
    if (!county.matches("\\d{6}")) {
      return ResponseEntity.unprocessableEntity().body(Map.of("error", "county is a six-digit GB/T 2260 code"));
    }
    return written(bank.collectPremiums(county, principal == null ? "operator" : principal.getName()));
  }

  /** A batch of the fund's transfers to hospitals; 204 when nothing is owed. */
  @PostMapping("/bank/fund-transfer")
  public ResponseEntity<Map<String, Object>> transferFunds(java.security.Principal principal) throws java.io.IOException {
    return written(bank.transferFunds(principal == null ? "operator" : principal.getName()));
  }

  /** A batch's file as it was sent (made again from its lines). */
  @GetMapping(path = "/bank/batches/{id}/file", produces = "text/csv")
  public ResponseEntity<byte[]> batchFile(@PathVariable String id) {
    return bank.file(id).map(b -> ResponseEntity.ok()
            .header("Content-Disposition", "attachment; filename=\"" + b.fileName() + "\"").body(b.content()))
        .orElse(ResponseEntity.notFound().build());
  }

  private ResponseEntity<Map<String, Object>> written(java.util.Optional<cn.healthcard.hub.insurance.bank.BankLink.Batch> made)
      throws java.io.IOException {
    if (made.isEmpty()) {
      return ResponseEntity.noContent().build();
    }
    cn.healthcard.hub.insurance.bank.BankLink.Batch b = made.get();
    java.nio.file.Files.createDirectories(bankOutbound);
    java.nio.file.Path partial = bankOutbound.resolve(b.fileName() + ".tmp");
    java.nio.file.Files.write(partial, b.content());
    java.nio.file.Files.move(partial, bankOutbound.resolve(b.fileName()), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("batch", b.id());
    body.put("kind", b.kind());
    body.put("file", b.fileName());
    body.put("lines", b.lines());
    body.put("amountFen", b.amountFen());
    return ResponseEntity.status(201).body(body);
  }

  /** Where the supervision pass stands on this instance. */
  @GetMapping("/supervision")
  public Map<String, Object> supervision() {
    return supervision.status().describe();
  }

  /** Runs the supervision pass over a day's settlements again ({@code ?date=YYYY-MM-DD}, China time). */
  @PostMapping("/supervision")
  public ResponseEntity<Map<String, Object>> supervise(@org.springframework.web.bind.annotation.RequestParam String date) {
    java.time.LocalDate day;
    try {
      day = java.time.LocalDate.parse(date);
    } catch (java.time.format.DateTimeParseException e) {
      return ResponseEntity.unprocessableEntity().body(Map.of("error", "date is YYYY-MM-DD"));
    }
    boolean started = supervision.runInBackground(day);
    return ResponseEntity.status(started ? 202 : 409).body(supervision.status().describe());
  }

  @PostMapping(path = "/schemes", consumes = "application/json")
  public ResponseEntity<Map<String, Object>> load(@RequestBody String document, java.security.Principal principal) {
    try {
      Scheme scheme = insurance.loadScheme(document, principal == null ? "operator" : principal.getName());
      return ResponseEntity.status(201).body(describe(scheme));
    } catch (InvalidScheme e) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", "invalid scheme");
      body.put("problems", e.problems().stream().map(p -> Map.of("path", p.path(), "message", p.message())).toList());
      return ResponseEntity.unprocessableEntity().body(body);
    }
  }

  @GetMapping("/schemes")
  public List<Map<String, Object>> schemes() {
    return insurance.schemes().latest().stream().map(InsuranceAdmin::describe).toList();
  }

  @GetMapping(path = "/schemes/{county}/{year}/{version}", produces = "application/json")
  public ResponseEntity<String> document(@PathVariable String county, @PathVariable int year, @PathVariable int version) {
    return insurance.schemes().document(county, year, version).map(ResponseEntity::ok)
        .orElse(ResponseEntity.notFound().build());
  }

  /** Body: {@code {"name": "...", "level": "county", "county": "210124", "designated": true}}. */
  @PutMapping(path = "/providers/{institution}", consumes = "application/json")
  public ResponseEntity<Map<String, Object>> provider(@PathVariable String institution, @RequestBody Map<String, Object> body) {
    Object level = body.get("level");
    Object county = body.get("county");
    Object name = body.get("name");
    if (!(level instanceof String l) || HospitalLevel.fromCode(l).isEmpty()) {
      return ResponseEntity.unprocessableEntity().body(Map.of("error", "level is township, county, city or province"));
    }
    if (!(county instanceof String c) || !c.matches("\\d{6}")) {
      return ResponseEntity.unprocessableEntity().body(Map.of("error", "county is a six-digit GB/T 2260 code"));
    }
    if (!(name instanceof String n) || n.isBlank()) {
      return ResponseEntity.unprocessableEntity().body(Map.of("error", "name is required"));
    }
    boolean designated = !Boolean.FALSE.equals(body.get("designated"));
    Provider p = insurance.putProvider(new Provider(institution, n.strip(), HospitalLevel.fromCode(l).get(), c, designated));
    return ResponseEntity.ok(Map.of("institution", p.institution(), "name", p.name(), "level", p.level().code(),
        "county", p.county(), "designated", p.designated()));
  }

  @GetMapping("/payables/{institution}")
  public Map<String, Object> payable(@PathVariable String institution) {
    ClaimLedger.Payable payable = insurance.ledger().payable(institution);
    return Map.of("institution", institution, "payableFen", payable.payableFen(), "heldFen", payable.heldFen());
  }

  private static Map<String, Object> describe(Scheme s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scheme", s.reference());
    m.put("county", s.county());
    m.put("year", s.year());
    m.put("version", s.version());
    m.put("product", s.product());
    m.put("name", s.name());
    m.put("contributionPerPersonFen", s.contributionFen());
    return m;
  }
}
