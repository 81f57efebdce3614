package cn.healthcard.hub.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class StartupGateTest {

  @Test
  void requestsBeforeTheHubIsReadyGet503WithRetryAfterAndAnOperationOutcome() throws Exception {
    StartupGate gate = new StartupGate();
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();
    gate.doFilter(new MockHttpServletRequest("GET", "/fhir/metadata"), response, chain);
    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(response.getHeader("Retry-After")).isEqualTo("2");
    assertThat(response.getContentAsString()).contains("OperationOutcome").contains("transient");
    assertThat(chain.getRequest()).isNull();
  }

  @Test
  void requestsPassOnceTheApplicationIsReady() throws Exception {
    StartupGate gate = new StartupGate();
    gate.onApplicationEvent(null);
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();
    gate.doFilter(new MockHttpServletRequest("GET", "/fhir/metadata"), response, chain);
    assertThat(response.getStatus()).isEqualTo(200);
    assertThat(chain.getRequest()).isNotNull();
  }
}
