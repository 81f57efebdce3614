package cn.healthcard.hub.server.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import org.junit.jupiter.api.Test;

class PreFetchThresholdsTest {

  @Test
  void theFirstStepIsOnePageThenHapisLargerSteps() {
    assertThat(FhirRepositoryConfig.preFetchThresholds(50)).containsExactly(50, 503, 2003, 1000003, -1);
  }

  @Test
  void aPageLargerThanHapisStepsSkipsTheSmallerOnes() {
    assertThat(FhirRepositoryConfig.preFetchThresholds(600)).containsExactly(600, 2003, 1000003, -1);
  }

  @Test
  void hapiAcceptsTheThresholds() {
    for (int pageSize : new int[] {1, 13, 50, 503, 5000}) {
      assertThatCode(() -> new JpaStorageSettings()
              .setSearchPreFetchThresholds(FhirRepositoryConfig.preFetchThresholds(pageSize)))
          .doesNotThrowAnyException();
    }
  }
}
