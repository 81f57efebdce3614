package cn.healthcard.hub.security.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.terminology.division.Divisions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

class ClientRegistrationTest {
  private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
  private final ClientRegistration registration = new ClientRegistration(encoder, Divisions.standard());
  private final Instant now = Instant.parse("2026-12-07T00:00:00Z");

  private static String field(ClientRegistration.Invalid e) {
    return e.problems().get(0).field();
  }

  @Test
  void aClientWithoutKeysGetsASecretThatIsStoredHashed() {
    ClientRegistration.Registered registered = registration.register(
        Map.of("client_id", "his-a", "role", "hospital", "institution", "HOSP_A"), now);
    assertThat(registered.secret()).hasSizeGreaterThan(40);
    assertThat(registered.client().secretHash()).startsWith("{bcrypt}");
    assertThat(encoder.matches(registered.secret(), registered.client().secretHash())).isTrue();
    assertThat(registered.client().roles()).containsExactly(Role.HOSPITAL);
    assertThat(registered.client().scopes()).containsExactly("system/*.cruds");
  }

  @Test
  void publicHealthDivisionsAreNormalisedToTheirPrefix() {
    assertThat(registration.register(Map.of("client_id", "cdc-shenyang", "role", "public-health", "division", "210100"), now)
        .client().division()).isEqualTo("2101");
  }

  @Test
  void eachProblemNamesItsField() {
    assertThatThrownBy(() -> registration.register(Map.of("client_id", "x"), now))
        .isInstanceOfSatisfying(ClientRegistration.Invalid.class, e -> assertThat(e.problems())
            .extracting(ClientRegistration.Problem::field).containsExactly("client_id", "role"));
    assertThatThrownBy(() -> registration.register(Map.of("client_id", "cdc", "roles", List.of("public-health", "god")), now))
        .isInstanceOfSatisfying(ClientRegistration.Invalid.class, e -> assertThat(field(e)).isEqualTo("roles"));
    assertThatThrownBy(() -> registration.register(Map.of("client_id", "cdc", "role", "public-health", "division", "991234"), now))
        .isInstanceOfSatisfying(ClientRegistration.Invalid.class, e -> assertThat(field(e)).isEqualTo("division"));
    assertThatThrownBy(() -> registration.register(Map.of("client_id", "dr-x", "role", "clinician"), now))
        .isInstanceOfSatisfying(ClientRegistration.Invalid.class, e -> assertThat(field(e)).isEqualTo("institution"));
    assertThatThrownBy(() -> registration.register(Map.of("client_id", "me-1", "role", "resident"), now))
        .isInstanceOfSatisfying(ClientRegistration.Invalid.class, e -> assertThat(field(e)).isEqualTo("patient"));
    assertThatThrownBy(() -> registration.register(Map.of("client_id", "key-client", "role", "hospital", "jwks", Map.of("keys", List.of())), now))
        .isInstanceOfSatisfying(ClientRegistration.Invalid.class, e -> assertThat(field(e)).isEqualTo("jwks"));
  }

  @Test
  void aPrivateKeyIsNeverAcceptedAsARegisteredKey() throws Exception {
    var key = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("k1").generate();
    Map<String, Object> jwks = Map.of("keys", List.of(key.toJSONObject()));
    assertThatThrownBy(() -> registration.register(Map.of("client_id", "smart", "role", "hospital", "jwks", jwks), now))
        .isInstanceOfSatisfying(ClientRegistration.Invalid.class, e -> assertThat(e.problems().get(0).message())
            .contains("private key"));
    Map<String, Object> publicOnly = Map.of("keys", List.of(key.toPublicJWK().toJSONObject()));
    ClientRegistration.Registered registered =
        registration.register(Map.of("client_id", "smart", "role", "hospital", "jwks", publicOnly), now);
    assertThat(registered.secret()).isNull();
    assertThat(registered.client().usesKeys()).isTrue();
  }
}
