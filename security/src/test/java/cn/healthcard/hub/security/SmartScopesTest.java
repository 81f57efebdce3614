package cn.healthcard.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.security.SmartScopes.Interaction;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmartScopesTest {

  @Test
  void v2PermissionsAreReadInOrderAndPerType() {
    assertThat(SmartScopes.permits(List.of("system/Observation.rs"), "Observation", Interaction.READ)).isTrue();
    assertThat(SmartScopes.permits(List.of("system/Observation.rs"), "Observation", Interaction.SEARCH)).isTrue();
    assertThat(SmartScopes.permits(List.of("system/Observation.rs"), "Observation", Interaction.CREATE)).isFalse();
    assertThat(SmartScopes.permits(List.of("system/Observation.rs"), "Patient", Interaction.READ)).isFalse();
    assertThat(SmartScopes.permits(List.of("system/*.cruds"), "Encounter", Interaction.DELETE)).isTrue();
  }

  @Test
  void permissionsOutOfOrderOrWithAQueryGrantNothing() {
    assertThat(SmartScopes.permits(List.of("system/*.sr"), "Patient", Interaction.READ)).isFalse();
    assertThat(SmartScopes.permits(List.of("patient/Observation.rs?category=laboratory"), "Observation", Interaction.READ))
        .isFalse();
  }

  @Test
  void v1ScopesMapToV2Permissions() {
    assertThat(SmartScopes.permits(List.of("user/*.read"), "Patient", Interaction.SEARCH)).isTrue();
    assertThat(SmartScopes.permits(List.of("user/*.read"), "Patient", Interaction.UPDATE)).isFalse();
    assertThat(SmartScopes.permits(List.of("system/*.write"), "Patient", Interaction.CREATE)).isTrue();
    assertThat(SmartScopes.permits(List.of("system/*.*"), "Patient", Interaction.DELETE)).isTrue();
  }

  @Test
  void eachRoleHasItsDefaultScopes() {
    assertThat(SmartScopes.defaultsFor(List.of(Role.HOSPITAL))).containsExactly("system/*.cruds");
    assertThat(SmartScopes.defaultsFor(List.of(Role.RESIDENT))).containsExactly("patient/*.rs");
    assertThat(SmartScopes.defaultsFor(List.of(Role.HOSPITAL, Role.OPERATOR)))
        .containsExactly("system/*.cruds", "system/*.rs");
  }
}
