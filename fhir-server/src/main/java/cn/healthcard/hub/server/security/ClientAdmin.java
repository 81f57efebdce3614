package cn.healthcard.hub.server.security;

import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.security.clients.ClientRegistration;
import cn.healthcard.hub.security.clients.HubClient;
import cn.healthcard.hub.security.clients.HubClients;
import cn.healthcard.hub.server.HubProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Client registration for operators: {@code POST /admin/clients} (a generated secret is in the
 * answer once, and never again), {@code GET /admin/clients[/{id}]}, {@code DELETE
 * /admin/clients/{id}}, and {@code POST /admin/clients/{id}/disable} / {@code enable}. A client
 * deleted or disabled stops being accepted within a minute on every hub instance.
 */
@RestController
@RequestMapping("/admin/clients")
public class ClientAdmin {
  private static final Logger log = LoggerFactory.getLogger(ClientAdmin.class);

  private final HubClients clients;
  private final ClientRegistration registration;
  private final HubProperties hub;

  public ClientAdmin(HubClients clients, ClientRegistration registration, HubProperties hub) {
    this.clients = clients;
    this.registration = registration;
    this.hub = hub;
  }

  @PostMapping
  public ResponseEntity<Map<String, Object>> register(
      @RequestBody(required = false) Map<String, Object> body, HttpServletRequest request) {
    if (body == null) {
      return problems(List.of(new ClientRegistration.Problem("body", "a JSON object is required")));
    }
    ClientRegistration.Registered registered;
    try {
      registered = registration.register(body, Clock.systemUTC().instant());
    } catch (ClientRegistration.Invalid e) {
      return problems(e.problems());
    }
    if (!clients.create(registered.client())) {
      Map<String, Object> conflict = new LinkedHashMap<>();
      conflict.put("error", "conflict");
      conflict.put("error_description", "client_id " + registered.client().clientId() + " is taken");
      return ResponseEntity.status(HttpStatus.CONFLICT).body(conflict);
    }
    log.info("Client {} registered with roles {}", registered.client().clientId(), describe(registered.client()));
    Map<String, Object> out = view(registered.client());
    if (registered.secret() != null) {
      out.put("client_secret", registered.secret());
    }
    out.put("token_url", SmartDiscovery.baseUrl(hub.security().publicUrl(), request) + "/oauth2/token");
    return ResponseEntity.status(HttpStatus.CREATED).body(out);
  }

  @GetMapping
  public List<Map<String, Object>> list() {
    return clients.all().stream().map(ClientAdmin::view).toList();
  }

  @GetMapping("/{id}")
  public ResponseEntity<Map<String, Object>> one(@PathVariable String id) {
    return clients.find(id).map(c -> ResponseEntity.ok(view(c))).orElseGet(() -> notFound(id));
  }

  @DeleteMapping("/{id}")
  public ResponseEntity<Map<String, Object>> delete(@PathVariable String id) {
    if (!clients.delete(id)) {
      return notFound(id);
    }
    log.info("Client {} deleted", id);
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/{id}/disable")
  public ResponseEntity<Map<String, Object>> disable(@PathVariable String id) {
    return enable(id, false);
  }

  @PostMapping("/{id}/enable")
  public ResponseEntity<Map<String, Object>> enable(@PathVariable String id) {
    return enable(id, true);
  }

  private ResponseEntity<Map<String, Object>> enable(String id, boolean on) {
    if (!clients.setEnabled(id, on)) {
      return notFound(id);
    }
    log.info("Client {} {}", id, on ? "enabled" : "disabled");
    return ResponseEntity.ok(view(clients.find(id).orElseThrow()));
  }

  static Map<String, Object> view(HubClient client) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("client_id", client.clientId());
    out.put("roles", client.roles().stream().map(Role::code).sorted().toList());
    if (client.institution() != null) {
      out.put("institution", client.institution());
    }
    if (client.division() != null) {
      out.put("division", client.division());
    }
    if (client.practitioner() != null) {
      out.put("practitioner", client.practitioner());
    }
    if (client.patient() != null) {
      out.put("patient", "Patient/" + client.patient());
    }
    out.put("token_endpoint_auth_method", client.usesKeys() ? "private_key_jwt" : "client_secret_basic");
    if (client.jwksUrl() != null) {
      out.put("jwks_url", client.jwksUrl());
    }
    out.put("scopes", client.scopes().stream().sorted().toList());
    out.put("enabled", client.enabled());
    out.put("created", client.createdAt().toString());
    return out;
  }

  private static String describe(HubClient client) {
    return client.roles().stream().map(Role::code).sorted().toList().toString();
  }

  private static ResponseEntity<Map<String, Object>> problems(List<ClientRegistration.Problem> problems) {
    return AdminErrors.invalid(problems.stream().map(p -> new AdminErrors.Problem(p.field(), p.message())).toList());
  }

  private static ResponseEntity<Map<String, Object>> notFound(String id) {
    return AdminErrors.notFound("no client " + id);
  }
}
