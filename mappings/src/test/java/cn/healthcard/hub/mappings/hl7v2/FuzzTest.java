package cn.healthcard.hub.mappings.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated valid messages (fields cut, delimiters broken, segments dropped or
 * duplicated, wrong encodings, huge fields, truncation, random bytes): {@code process} never
 * throws, always answers with an ACK HAPI can parse whose MSA-1 is the outcome, and never says AA
 * without a complete mapping. Seeded: a failure reproduces.
 */
class FuzzTest {

  static final long SEED = 20251126L;
  static final int ROUNDS = 3000;
  static final Charset GB18030 = Charset.forName("GB18030");

  @Test
  void anyMutationIsAnsweredWithAParseableAckAndNeverAFalseAa() throws IOException, URISyntaxException {
    List<byte[]> seeds = new ArrayList<>();
    for (String name : GoldenFilesTest.samples().toList()) {
      seeds.add(TestMessages.wire(GoldenFilesTest.DIR + name + ".hl7"));
    }
    for (String name : BirthGoldenFilesTest.samples().toList()) {
      seeds.add(TestMessages.wire(BirthGoldenFilesTest.DIR + name + ".hl7"));
    }
    seeds.add(TestMessages.utf8(Messages.ADT_A01));
    seeds.add(TestMessages.utf8(Messages.ADT_A28_BIRTH));
    seeds.add(TestMessages.utf8(Messages.ORU_R01));
    seeds.add(TestMessages.utf8(Messages.MDM_T02));
    seeds.add(TestMessages.utf8(Messages.MDM_T10));
    seeds.add(TestMessages.utf8(Messages.ADT_A49));
    seeds.add(TestMessages.utf8(Messages.ADT_A24));
    for (String name : ImmunizationGoldenFilesTest.samples("").toList()) {
      seeds.add(TestMessages.wire(ImmunizationGoldenFilesTest.DIR + name + ".hl7"));
    }
    seeds.add(TestMessages.utf8(Messages.VXU_V04));
    seeds.add(TestMessages.utf8(Messages.QBP_Q11));
    seeds.add(TestMessages.utf8(Messages.SIU_S12));
    seeds.add(TestMessages.utf8(Messages.ORM_O01));
    seeds.add(TestMessages.utf8(Messages.ADT_A60));
    seeds.add(TestMessages.utf8(Messages.DFT_P03));
    seeds.add(TestMessages.utf8(Messages.BAR_P01));
    seeds.add(TestMessages.utf8(Messages.PPR_PC1));
    seeds.add(TestMessages.utf8(Messages.REF_I12));
    seeds.add(TestMessages.utf8(Messages.RDE_O11));
    seeds.add(TestMessages.utf8(Messages.RDS_O13));
    seeds.add(TestMessages.utf8(Messages.OUL_R22));
    Random random = new Random(SEED);
    int accepted = 0;
    int queries = 0;
    int internalErrors = 0;
    long start = System.nanoTime();
    for (int round = 0; round < ROUNDS; round++) {
      byte[] seed = seeds.get(random.nextInt(seeds.size()));
      int mutations = 1 + random.nextInt(3);
      byte[] input = seed;
      List<String> applied = new ArrayList<>();
      for (int m = 0; m < mutations; m++) {
        int kind = random.nextInt(11);
        applied.add(Integer.toString(kind));
        input = mutate(input, kind, random);
      }
      InboundResult r;
      try {
        r = TestMessages.INBOUND.process(input, random.nextBoolean() ? StandardCharsets.UTF_8 : GB18030,
            TestMessages.ACK_CONTEXT);
      } catch (Throwable t) {
        fail("round %d (mutations %s) threw %s", round, applied, t);
        return;
      }
      final int roundNo = round;
      assertThat(r).as("round %d", round).isNotNull();
      assertThat(r.ack()).as("round %d", round).isNotBlank();
      assertThat(AckParsing.parses(r.ack())).as(() -> "round " + roundNo + " ACK parses: " + r.ack()).isTrue();
      assertThat(TestMessages.field(r.ack(), "MSA", 1, 1)).as("round %d", round).isEqualTo(r.ackCode().name());
      assertThat(r.ack()).as("round %d", round).doesNotContain("\u001c").doesNotContain("\u000b");
      if (r instanceof InboundResult.Accepted a) {
        accepted++;
        assertThat(a.mapped().transaction().getEntry()).as("round %d", round).isNotEmpty();
        for (BundleEntryComponent e : a.mapped().transaction().getEntry()) {
          assertThat(e.getRequest().hasMethod()).isTrue();
          if (e.getRequest().getMethod() == org.hl7.fhir.r4.model.Bundle.HTTPVerb.PATCH) {
            assertThat(e.hasFullUrl()).as("a patch names no resource of its own").isFalse();
          } else {
            assertThat(e.getFullUrl()).startsWith("urn:uuid:");
          }
        }
        assertThat(a.mapped().transaction().getEntry().get(a.mapped().transaction().getEntry().size() - 1)
            .getResource().fhirType()).isEqualTo("Provenance");
      } else if (r instanceof InboundResult.Query q) {
        queries++;
        assertThat(q.queryName()).as("round %d", round).isIn("Z34", "Z44");
        assertThat(q.queryTag()).as("round %d", round).isNotEmpty();
        assertThat(q.parameters().identifiers().isEmpty()
            && (q.parameters().name().isEmpty() || q.parameters().birthDate().isEmpty())).as("round %d", round).isFalse();
        assertThat(AckParsing.parsesAs(cn.healthcard.hub.mappings.hl7v2.qbp.RspK11Builder.build(q,
            new cn.healthcard.hub.mappings.hl7v2.qbp.QueryAnswer.NotFound(), TestMessages.ACK_CONTEXT), "RSP_K11"))
            .as("round %d", round).isTrue();
      } else {
        if (((InboundResult.Rejected) r).errors().get(0).code().code().equals("207")) {
          internalErrors++;
          if (System.getProperty("fuzz.debug") != null) {
            System.out.println("207 in round " + round + " mutations " + applied);
          }
        }
        assertThat(((InboundResult.Rejected) r).errors()).as("round %d", round).isNotEmpty();
        assertThat(TestMessages.segment(r.ack(), "ERR", 1)).as("round %d", round).isNotNull();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(seconds).as("fuzzing must stay fast").isLessThan(20);
    System.out.println("fuzz: " + ROUNDS + " rounds, " + accepted + " accepted, " + queries + " queries, " + internalErrors
        + " internal errors, " + String.format("%.1f", seconds) + " s");
    assertThat(accepted).as("some mutations are harmless and must still be accepted").isPositive();
    assertThat(queries).as("some mutated queries must still be answerable").isPositive();
    assertThat(internalErrors).as("no input should reach the internal-error path").isZero();
  }

  static byte[] mutate(byte[] in, int kind, Random random) {
    String text = new String(in, StandardCharsets.UTF_8);
    switch (kind) {
      case 0 -> { // cut a field's content
        int i = randomIndexOf(text, '|', random);
        if (i < 0) {
          return in;
        }
        int j = text.indexOf('|', i + 1);
        return bytes(text.substring(0, i + 1) + (j < 0 ? "" : text.substring(j)));
      }
      case 1 -> { // break a delimiter
        char[] delims = {'|', '^', '~', '\\', '&', '\r'};
        int i = randomIndexOf(text, delims[random.nextInt(delims.length)], random);
        if (i < 0) {
          return in;
        }
        char replacement = "|^~\\&\r\n#x \u0000".charAt(random.nextInt(11));
        return bytes(text.substring(0, i) + replacement + text.substring(i + 1));
      }
      case 2 -> { // drop a segment
        List<String> segs = new ArrayList<>(Arrays.asList(text.split("\r")));
        if (segs.isEmpty()) {
          return in;
        }
        segs.remove(random.nextInt(segs.size()));
        return bytes(String.join("\r", segs) + "\r");
      }
      case 3 -> { // duplicate a segment
        List<String> segs = new ArrayList<>(Arrays.asList(text.split("\r")));
        if (segs.isEmpty()) {
          return in;
        }
        int i = random.nextInt(segs.size());
        segs.add(random.nextInt(segs.size() + 1), segs.get(i));
        return bytes(String.join("\r", segs) + "\r");
      }
      case 4 -> { // wrong encoding: re-encode the text without changing MSH-18
        return random.nextBoolean() ? text.getBytes(GB18030) : new String(in, GB18030).getBytes(StandardCharsets.UTF_8);
      }
      case 5 -> { // a huge field
        int i = randomIndexOf(text, '|', random);
        if (i < 0) {
          return in;
        }
        String huge = "长".repeat(1000 + random.nextInt(40_000));
        return bytes(text.substring(0, i + 1) + huge + text.substring(i + 1));
      }
      case 6 -> { // truncate
        return Arrays.copyOf(in, random.nextInt(in.length + 1));
      }
      case 7 -> { // flip bytes
        byte[] out = in.clone();
        for (int k = 0; k < 1 + random.nextInt(8) && out.length > 0; k++) {
          out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        }
        return out;
      }
      case 8 -> { // random bytes
        byte[] out = new byte[random.nextInt(400)];
        random.nextBytes(out);
        if (random.nextBoolean() && out.length > 3) {
          out[0] = 'M';
          out[1] = 'S';
          out[2] = 'H';
        }
        return out;
      }
      case 9 -> { // junk in a header field
        int field = 3 + random.nextInt(16);
        String[] segs = text.split("\r", 2);
        String[] f = segs[0].split("\\|", -1);
        if (field - 1 < f.length) {
          f[field - 1] = randomJunk(random);
        }
        return bytes(String.join("|", f) + "\r" + (segs.length > 1 ? segs[1] : ""));
      }
      default -> { // line endings and leading junk
        String t = random.nextBoolean() ? text.replace("\r", "\r\n") : text.replace("\r", "\n");
        return bytes((random.nextBoolean() ? "\u000b\n  " : "") + t);
      }
    }
  }

  static String randomJunk(Random random) {
    String alphabet = "ABC123^~&\\|#张@ ";
    StringBuilder sb = new StringBuilder();
    for (int i = random.nextInt(12); i > 0; i--) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  static int randomIndexOf(String s, char c, Random random) {
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        positions.add(i);
      }
    }
    return positions.isEmpty() ? -1 : positions.get(random.nextInt(positions.size()));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
