package cn.healthcard.hub.server.security;

import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.security.clients.ClientRegistration;
import cn.healthcard.hub.security.clients.HubClients;
import cn.healthcard.hub.server.HubProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

/**
 * On the first start (no client registered yet) the hub creates the operator client
 * {@value #CLIENT_ID} and writes its credentials to {@code <hub.data-dir>/security/bootstrap-admin.json},
 * readable by the owner only. The secret is never logged. With it, operators register every
 * other client ({@code POST /admin/clients}).
 */
public final class BootstrapAdmin implements ApplicationListener<WebServerInitializedEvent> {
  private static final Logger log = LoggerFactory.getLogger(BootstrapAdmin.class);
  public static final String CLIENT_ID = "hub-admin";
  public static final String FILE = "bootstrap-admin.json";

  private final HubClients clients;
  private final ClientRegistration registration;
  private final HubProperties hub;

  public BootstrapAdmin(HubClients clients, ClientRegistration registration, HubProperties hub) {
    this.clients = clients;
    this.registration = registration;
    this.hub = hub;
  }

  @Override
  public void onApplicationEvent(WebServerInitializedEvent event) {
    if (event.getApplicationContext().getParent() != null || !clients.all().isEmpty()) {
      return;
    }
    ClientRegistration.Registered admin = registration.register(
        Map.of("client_id", CLIENT_ID, "roles", List.of(Role.OPERATOR.code())), Clock.systemUTC().instant());
    if (!clients.create(admin.client())) {
      return; // another instance got there first and wrote its own file
    }
    String base = hub.security().publicUrl() == null || hub.security().publicUrl().isBlank()
        ? "http://localhost:" + event.getWebServer().getPort()
        : hub.security().publicUrl().replaceAll("/+$", "");
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("client_id", CLIENT_ID);
    file.put("client_secret", admin.secret());
    file.put("token_url", base + "/oauth2/token");
    Path path = hub.dataDir().resolve("security").resolve(FILE);
    write(path, file);
    log.info("First start: operator client '{}' created; its credentials are in {} (owner-only)", CLIENT_ID, path);
  }

  static void write(Path path, Map<String, Object> content) {
    try {
      Files.createDirectories(path.getParent());
      Set<PosixFilePermission> ownerOnly = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      Files.deleteIfExists(path);
      try {
        Files.createFile(path, PosixFilePermissions.asFileAttribute(ownerOnly));
      } catch (UnsupportedOperationException e) {
        Files.createFile(path);
      }
      Files.writeString(path, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(content),
          StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + path, e);
    }
  }
}
