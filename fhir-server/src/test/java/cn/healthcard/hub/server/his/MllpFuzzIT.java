package cn.healthcard.hub.server.his;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.routes.mllp.MllpClient;
import cn.healthcard.hub.server.HubIntegrationTest;
import cn.healthcard.hub.server.IdentityNumbers;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated messages over a real MLLP connection: fields cut, delimiters broken, segments dropped
 * or repeated, wrong encodings, huge fields, random bytes. Every one gets an ACK frame on the same
 * connection, and an AA only when the message still maps (the AA'd ones are then stored like any
 * other); the hub keeps serving afterwards.
 */
class MllpFuzzIT extends HubIntegrationTest {

  @Test
  void everyMutatedMessageGetsAnAckAndTheHubKeepsServing() throws Exception {
    Random random = new Random(20261126);
    registerHospital("HOSP_F");
    int aa = 0;
    int other = 0;
    try (MllpClient client = new MllpClient("localhost", MLLP_PORT, Duration.ofSeconds(30))) {
      for (int i = 0; i < 1500; i++) {
        String card = IdentityNumbers.next(LocalDate.of(1950, 1, 1).plusDays(random.nextInt(20000)));
        String valid = HisMessages.adt(i % 2 == 0 ? "A01" : "A08", "HOSP_F", "F" + i, card, "MRN-F" + i, "VF" + i,
            "韩", "梅梅", card.substring(6, 14), i % 3 == 0 ? "F" : "2");
        byte[] mutated = mutate(valid, random);
        byte[] reply = client.send(mutated);
        String ack = new String(reply, StandardCharsets.ISO_8859_1);
        assertThat(ack).as("reply to mutation %d", i).startsWith("MSH").contains("\rMSA|");
        String code = HisMessages.msa1(ack);
        assertThat(code).isIn("AA", "AE", "AR");
        if (code.equals("AA")) {
          aa++;
        } else {
          other++;
          assertThat(ack).contains("\rERR|");
        }
      }
    }
    assertThat(aa).as("some mutations stay valid").isPositive();
    assertThat(other).as("most mutations are refused").isGreaterThan(aa / 2);
    String card = IdentityNumbers.next(LocalDate.of(1990, 5, 5));
    try (MllpClient client = new MllpClient("localhost", MLLP_PORT, Duration.ofSeconds(30))) {
      String ack = new String(client.send(HisMessages.adt("A01", "HOSP_F", "F-after", card, "MRN-after", "V-after",
          "韩", "梅", "19900505", "F").getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
      assertThat(HisMessages.msa1(ack)).isEqualTo("AA");
    }
  }

  private static byte[] mutate(String message, Random random) {
    String m = message;
    switch (random.nextInt(10)) {
      // cut anywhere after the first 16 bytes: shorter frames make camel-mllp reset the
      // connection (a known limitation, see the README)
      case 0 -> m = m.substring(0, 16 + random.nextInt(m.length() - 16));
      case 1 -> m = m.replace('|', random.nextBoolean() ? '^' : '~'); // delimiters broken
      case 2 -> {
        String[] segments = m.split("\r");
        int drop = random.nextInt(segments.length);
        StringBuilder b = new StringBuilder();
        for (int s = 0; s < segments.length; s++) {
          if (s != drop) {
            b.append(segments[s]).append('\r');
          }
        }
        m = b.toString();
      }
      case 3 -> {
        String[] segments = m.split("\r");
        m = m + segments[random.nextInt(segments.length)] + "\r"; // a segment repeated
      }
      case 4 -> m = m.replace("UNICODE UTF-8", "GB 18030-2000"); // declared charset lies
      case 5 -> m = m.replace("韩", "x".repeat(200_000)); // huge field
      case 6 -> {
        byte[] bytes = new byte[1 + random.nextInt(2000)];
        random.nextBytes(bytes);
        for (int i = 0; i < bytes.length; i++) {
          if (bytes[i] == 0x1c || bytes[i] == 0x0b) {
            bytes[i] = 'x'; // keep the MLLP frame intact: framing errors are a different test
          }
        }
        return bytes;
      }
      case 7 -> {
        int at = random.nextInt(m.length());
        m = m.substring(0, at) + "|||^^^&&&\\\\" + m.substring(at); // junk inserted
      }
      case 8 -> {
        return m.getBytes(Charset.forName("UTF-16")); // wrong encoding altogether
      }
      default -> {
        // valid, apart from a field value swapped for another field's
        m = m.replace("|P|2.4|", random.nextBoolean() ? "|P|2.4|" : "|X|2.4|");
      }
    }
    return m.getBytes(StandardCharsets.UTF_8);
  }
}
