package cn.healthcard.hub.routes.his;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.mappings.hl7v2.Hl7v2Inbound;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The intake's answer when the inbox cannot record a message (the database refuses the write):
 * never AA, but AE 207 so the sender keeps the message and sends it again. The inbox here is an
 * implementation of the port that fails the way an unreachable database does; the happy paths
 * run against PostgreSQL in the server's integration tests.
 */
class Hl7v2IntakeTest {

  private static final String BODY = "21010219800101001";
  private static final String CARD = BODY + ResidentIdNumber.checkCharacter(BODY);
  private static final String MESSAGE = String.join("\r",
      "MSH|^~\\&|HIS|HOSP_U|HUB|PROVINCE|20261126093000+0800||ADT^A01^ADT_A01|U1|P|2.4|||AL|NE||UNICODE UTF-8",
      "EVN|A01|20261126093000+0800",
      "PID|1||" + CARD + "^^^&2.16.156.10011.1.19&ISO^NNCHN~M1^^^^MR||王^五||19800101|M",
      "PV1|1|I|W^1^1||||||||||||||||V1") + "\r";

  @Test
  void aMessageTheInboxCannotRecordIsAnsweredAe207NotAa() {
    Hl7v2Intake intake = new Hl7v2Intake(new Hl7v2Inbound(), new UnreachableInbox(),
        new SenderCharsets(StandardCharsets.UTF_8, Map.of()), new HisMetrics(new SimpleMeterRegistry()),
        Clock.systemUTC(), query -> { throw new AssertionError("not a query"); });
    Hl7v2Intake.Receipt receipt = intake.receive(MESSAGE.getBytes(StandardCharsets.UTF_8), "test");
    String ack = new String(receipt.ack(), StandardCharsets.UTF_8);
    assertThat(ack).contains("\rMSA|AE|U1");
    assertThat(ack).contains("|207^");
    assertThat(ack).doesNotContain(CARD).doesNotContain("王");
    assertThat(receipt.inboxId()).isEmpty();
  }

  @Test
  void deadLetterReasonsKeepTheCauseButNotTheValuesADatabaseErrorQuotes() {
    String reason = HisProcessor.reason(new IllegalStateException(
        "could not execute batch [Batch entry 0 insert into HFJ_SPIDX_STRING values ('王五', '" + CARD + "')]"));
    assertThat(reason).isEqualTo("IllegalStateException: could not execute batch");
    assertThat(HisProcessor.reason(new IllegalStateException("Patient " + CARD + " conflicts")))
        .doesNotContain(CARD).contains("conflicts");
  }

  /** The inbox port as it behaves when its database cannot be reached. */
  private static final class UnreachableInbox implements HisInbox {
    private static RuntimeException down() {
      return new IllegalStateException("connection refused");
    }

    @Override public Receipt record(InboundMessage message) { throw down(); }
    @Override public Optional<StoredMessage> load(long id) { throw down(); }
    @Override public void markFailed(long id, String reason) { throw down(); }
    @Override public List<Long> claimStalled(Duration age, int limit) { throw down(); }
    @Override public List<Long> claimQueuedBefore(Instant instant, int limit) { throw down(); }
    @Override public List<DeadLetter> deadLetters(int limit) { throw down(); }
    @Override public boolean requeue(long id) { throw down(); }
    @Override public List<Long> requeueAll() { throw down(); }
  }

  static final String QUERY = String.join("\r",
      "MSH|^~\\&|IIS|CDC_SHENYANG|HUB|LN|20260101120000||QBP^Q11^QBP_Q11|Q1|P|2.5.1|||ER|AL|||||Z44^CDCPHINVS",
      "QPD|Z44^Request Evaluated History and Forecast^CDCPHINVS|T1|" + CARD + "^^^&2.16.156.10011.1.19&ISO^NNCHN|王^五||19800101|M",
      "RCP|I|5^RD&Records&HL70126") + "\r";

  @Test
  void aQueryIsAnsweredFromTheRepositoryAndNeverRecorded() {
    Hl7v2Intake intake = new Hl7v2Intake(new Hl7v2Inbound(), new UnreachableInbox(),
        new SenderCharsets(StandardCharsets.UTF_8, Map.of()), new HisMetrics(new SimpleMeterRegistry()),
        Clock.systemUTC(), query -> ("RSP for " + query.queryName()).getBytes(StandardCharsets.UTF_8));
    Hl7v2Intake.Receipt receipt = intake.receive(QUERY.getBytes(StandardCharsets.UTF_8), "test");
    assertThat(new String(receipt.ack(), StandardCharsets.UTF_8)).isEqualTo("RSP for Z44");
    assertThat(receipt.inboxId()).isEmpty();
  }

  @Test
  void aQueryTheRepositoryCannotAnswerGetsAnErrorResponseNotSilence() {
    Hl7v2Intake intake = new Hl7v2Intake(new Hl7v2Inbound(), new UnreachableInbox(),
        new SenderCharsets(StandardCharsets.UTF_8, Map.of()), new HisMetrics(new SimpleMeterRegistry()),
        Clock.systemUTC(), query -> { throw new IllegalStateException("database down"); });
    String rsp = new String(intake.receive(QUERY.getBytes(StandardCharsets.UTF_8), "test").ack(), StandardCharsets.UTF_8);
    assertThat(rsp).contains("RSP^K11").contains("\rMSA|AE|Q1").contains("QAK|T1|AE");
  }
}
