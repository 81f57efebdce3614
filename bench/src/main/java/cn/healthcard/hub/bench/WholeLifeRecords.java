package cn.healthcard.hub.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Ten years of one person's records as this hub receives them, for {@link WholeLifeBench}. Two
 * kinds of person:
 *
 * <ul>
 *   <li>a child born in the first months of the ten years: the birth report (its own transaction,
 *       as the maternity hospital sends it: child Patient with birth time and birth certificate,
 *       RelatedPerson MTH, delivery Encounter, birth Observations), the health-card number added
 *       later (a conditional FHIRPath PATCH, as household registration does), then the national
 *       programme's vaccinations (NIP and CVX codings), child health checks, school checks, sick
 *       visits at the community health centre and the children's hospital (diagnosis, temperature,
 *       prescriptions, blood counts), sometimes a stay in hospital;
 *   <li>an adult of 40 to 76 in the national hypertension and/or type 2 diabetes programmes: the
 *       diagnoses and management plans (CarePlan as {@code $enrol-chronic-care} makes them),
 *       follow-ups about every three months (blood pressure panel, fasting glucose, weight, a
 *       prescription per programme), a yearly health check (vitals, glucose, HbA1c, lipid panel
 *       report, ECG), hospital outpatient visits, sometimes an admission with an operation, and
 *       influenza / pneumococcal vaccinations when old enough.
 * </ul>
 *
 * Institutions (hospitals, community health centres) and their practitioners are created once,
 * conditionally on their identifiers; records point at them with conditional references, as a
 * hospital system would send them. Names and numbers are synthetic.
 */
final class WholeLifeRecords {
  static final LocalDate END = LocalDate.of(2026, 6, 30);
  static final LocalDate START = END.minusYears(10);
  static final ZoneOffset CST = ZoneOffset.ofHours(8);

  static final String BASE = "https://hub.healthcard.cn/fhir";
  static final String FACILITY = BASE + "/NamingSystem/facility";
  static final String BIRTH_CERTIFICATE = BASE + "/NamingSystem/birth-certificate";
  static final String DIVISION_EXT = BASE + "/StructureDefinition/address-division";
  static final String DIVISION = BASE + "/CodeSystem/gbt2260";
  static final String NIP = BASE + "/CodeSystem/nip-vaccine";
  static final String PROGRAMME = BASE + "/CodeSystem/chronic-care-programme";
  static final String FOLLOW_UP = BASE + "/CodeSystem/chronic-care-follow-up";
  static final String BIRTH_TIME = "http://hl7.org/fhir/StructureDefinition/patient-birthTime";
  static final String LOINC = "http://loinc.org";
  static final String SNOMED = "http://snomed.info/sct";
  static final String UCUM = "http://unitsofmeasure.org";
  static final String ICD10 = "http://hl7.org/fhir/sid/icd-10";
  static final String CVX = "http://hl7.org/fhir/sid/cvx";
  static final String ATC = "http://www.whocc.no/atc";
  static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
  static final String ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
  static final String OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
  static final String CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical";
  static final String CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
  static final String CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";

  enum Kind { HOSPITAL, CHILDREN, MATERNITY, COMMUNITY }

  record Institution(String key, String name, Kind kind, String county) {
    String reference() {
      return "Organization?identifier=" + FACILITY + "|" + key;
    }

    String practitioner(int n) {
      return "Practitioner?identifier=" + BASE + "/NamingSystem/" + key + "/practitioner|D" + String.format("%02d", n);
    }

    String visitSystem() {
      return BASE + "/NamingSystem/" + key + "/visit";
    }
  }

  static final int PRACTITIONERS_PER_INSTITUTION = 3;
  static final List<Institution> INSTITUTIONS = List.of(
      new Institution("SY-H01", "Shenyang bench general hospital no. 1", Kind.HOSPITAL, "210102"),
      new Institution("SY-H02", "Shenyang bench general hospital no. 2", Kind.HOSPITAL, "210105"),
      new Institution("SY-H03", "Shenyang bench children's hospital", Kind.CHILDREN, "210103"),
      new Institution("SY-H04", "Shenyang bench maternal and child health hospital", Kind.MATERNITY, "210104"),
      new Institution("SY-C01", "Heping bench community health centre", Kind.COMMUNITY, "210102"),
      new Institution("SY-C02", "Shenhe bench community health centre", Kind.COMMUNITY, "210103"),
      new Institution("SY-C03", "Dadong bench community health centre", Kind.COMMUNITY, "210104"),
      new Institution("SY-C04", "Huanggu bench community health centre", Kind.COMMUNITY, "210105"));

  /** The first doses of the national programme for a child born 2016: vaccine, CVX, age in months. */
  static final List<Object[]> NIP_SCHEDULE = List.of(
      new Object[] {"HEPB", "08", 0}, new Object[] {"BCG", "19", 0}, new Object[] {"HEPB", "08", 1},
      new Object[] {"IPV", "10", 2}, new Object[] {"IPV", "10", 3}, new Object[] {"BOPV", "178", 4},
      new Object[] {"DTAP", "20", 3}, new Object[] {"DTAP", "20", 4}, new Object[] {"DTAP", "20", 5},
      new Object[] {"HEPB", "08", 6}, new Object[] {"MPSV-A", "167", 6}, new Object[] {"MMR", "03", 8},
      new Object[] {"JE-L", "129", 8}, new Object[] {"MPSV-A", "167", 9}, new Object[] {"DTAP", "20", 18},
      new Object[] {"MMR", "03", 18}, new Object[] {"HEPA-L", "169", 18}, new Object[] {"JE-L", "129", 24},
      new Object[] {"MPSV-AC", "167", 36}, new Object[] {"BOPV", "178", 48}, new Object[] {"DT", "28", 72},
      new Object[] {"MPSV-AC", "167", 72});

  private static final String[] FAMILY = {"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu"};
  private static final String[] GIVEN = {"Wei", "Fang", "Na", "Min", "Jing", "Lei", "Qiang", "Jun", "Yan", "Tao", "Hui", "Xin"};

  /**
   * One person: where its Patient is created (transaction of the batch, entry in it), how many
   * resources of its own it has (by type), and how many institutions and practitioners they point at.
   */
  record Person(int index, String card, boolean child, int patientTransaction, int patientEntry, int resources,
      int referenced, Map<String, Integer> byType) {}

  /** Transactions to send in this order, and the persons they carry. */
  record Batch(List<String> transactions, List<Person> persons) {}

  private final ObjectMapper json = new ObjectMapper();

  /** The institutions and their practitioners: one transaction of conditional creates. */
  String institutions() {
    ObjectNode bundle = transaction();
    ArrayNode entries = bundle.withArray("entry");
    for (Institution inst : INSTITUTIONS) {
      ObjectNode org = resource("Organization");
      org.withArray("identifier").addObject().put("system", FACILITY).put("value", inst.key());
      org.put("active", true);
      org.withArray("type").addObject().withArray("coding").addObject()
          .put("system", "http://terminology.hl7.org/CodeSystem/organization-type").put("code", "prov");
      org.put("name", inst.name());
      org.withArray("address").addObject().put("city", "Shenyang").withArray("extension").addObject()
          .put("url", DIVISION_EXT).set("valueCoding", coding(DIVISION, inst.county(), null));
      entry(entries, org, "Organization?identifier=" + FACILITY + "|" + inst.key());
      for (int d = 1; d <= PRACTITIONERS_PER_INSTITUTION; d++) {
        ObjectNode doctor = resource("Practitioner");
        String system = BASE + "/NamingSystem/" + inst.key() + "/practitioner";
        String value = String.format("D%02d", d);
        doctor.withArray("identifier").addObject().put("system", system).put("value", value);
        doctor.put("active", true);
        doctor.withArray("name").addObject().put("text", "Doctor " + inst.key() + "-" + value);
        entry(entries, doctor, "Practitioner?identifier=" + system + "|" + value);
      }
    }
    return bundle.toString();
  }

  static int institutionResources() {
    return INSTITUTIONS.size() * (1 + PRACTITIONERS_PER_INSTITUTION);
  }

  /**
   * A batch of persons: for each child its birth report (one transaction each), then one
   * transaction giving the children their card numbers, then one transaction with every
   * person's records.
   */
  Batch batch(int first, int count, int sequenceBase, double childShare, long seed) {
    List<String> transactions = new ArrayList<>();
    ObjectNode registrations = transaction();
    ObjectNode records = transaction();
    List<PersonBuilder> builders = new ArrayList<>();
    for (int i = first; i < first + count; i++) {
      Random random = new Random(mix(seed, i));
      PersonBuilder p = new PersonBuilder(i, random, random.nextDouble() < childShare, sequenceBase + i);
      builders.add(p);
      if (p.child) {
        ObjectNode birth = transaction();
        p.birthReport(birth.withArray("entry"));
        p.patientTransaction = transactions.size();
        transactions.add(birth.toString());
        p.registration(registrations.withArray("entry"));
      }
    }
    if (registrations.withArray("entry").size() > 0) {
      transactions.add(registrations.toString());
    }
    int recordsTransaction = transactions.size();
    for (PersonBuilder p : builders) {
      if (!p.child) {
        p.patientTransaction = recordsTransaction;
      }
      p.records(records.withArray("entry"));
    }
    transactions.add(records.toString());
    List<Person> people = new ArrayList<>();
    for (PersonBuilder p : builders) {
      people.add(new Person(p.index, p.card, p.child, p.patientTransaction, p.patientEntry, p.resources,
          p.referenced.size(), p.byType));
    }
    return new Batch(transactions, people);
  }

  /** Builds one person's entries. */
  private final class PersonBuilder {
    final int index;
    final Random r;
    final boolean child;
    final boolean male;
    final LocalDate born;
    final String card;
    final String certificate;
    final Institution home;
    final Institution maternity = INSTITUTIONS.get(3);
    final Institution children = INSTITUTIONS.get(2);
    final List<Institution> hospitals;
    final Set<String> referenced = new LinkedHashSet<>();
    final Map<String, Integer> byType = new TreeMap<>();
    int resources;
    int patientTransaction;
    int patientEntry;
    int visit;
    String patientRef;
    ArrayNode entries;
    OffsetDateTime birthTime;

    PersonBuilder(int index, Random r, boolean child, int sequence) {
      this.index = index;
      this.r = r;
      this.child = child;
      this.male = r.nextBoolean();
      this.born = child
          ? START.plusDays(r.nextInt(120))
          : LocalDate.of(1950 + r.nextInt(36), 1, 1).plusDays(r.nextInt(365));
      this.card = HealthCards.number(born, male, sequence);
      this.certificate = String.format("P%09d", 100_000_000 + index);
      this.home = INSTITUTIONS.get(4 + r.nextInt(4));
      int h = r.nextInt(2);
      this.hospitals = List.of(INSTITUTIONS.get(h), INSTITUTIONS.get(1 - h));
    }

    // ------------------------------------------------------------------ child: birth report

    void birthReport(ArrayNode birthEntries) {
      entries = birthEntries;
      birthTime = born.atTime(r.nextInt(24), r.nextInt(60)).atOffset(CST);
      // no card number yet: household registration adds it (see registration)
      ObjectNode patient = patientResource(BIRTH_CERTIFICATE, certificate);
      patient.putObject("_birthDate").withArray("extension").addObject()
          .put("url", BIRTH_TIME).put("valueDateTime", birthTime.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
      patient.put("multipleBirthInteger", 1);
      patient.set("managingOrganization", ref(maternity.reference()));
      referenced.add(maternity.reference());
      patientEntry = entries.size();
      patientRef = add(patient, null);

      ObjectNode mother = resource("RelatedPerson");
      LocalDate motherBorn = LocalDate.of(1984, 1, 1).plusDays(r.nextInt(12 * 365));
      mother.withArray("identifier").addObject().put("system", HealthCards.SYSTEM)
          .put("value", HealthCards.number(motherBorn, false, 500_000 + index));
      mother.set("patient", ref(patientRef));
      mother.withArray("relationship").add(concept(ROLE_CODE, "MTH", "mother"));
      mother.withArray("name").addObject().put("family", FAMILY[r.nextInt(FAMILY.length)])
          .withArray("given").add(GIVEN[r.nextInt(GIVEN.length)]);
      mother.put("gender", "female");
      add(mother, null);

      ObjectNode delivery = encounter("IMP", concept(SNOMED, "236973005", "Delivery procedure"), maternity, 1,
          birthTime.toLocalDateTime(), birthTime.toLocalDateTime().plusDays(3));
      String deliveryRef = add(delivery, null);
      birthObservation(deliveryRef, "8339-4", "Birth weight Measured", 2600 + r.nextInt(1500), "g");
      birthObservation(deliveryRef, "89269-5", "Body height Measured --at birth", 47 + r.nextInt(7), "cm");
      birthObservation(deliveryRef, "76516-4", "Gestational age--at birth", 37 + r.nextInt(5), "wk");
      birthObservation(deliveryRef, "9272-6", "1 minute Apgar Score", 7 + r.nextInt(4), "{score}");
      birthObservation(deliveryRef, "9274-2", "5 minute Apgar Score", 8 + r.nextInt(3), "{score}");
    }

    private void birthObservation(String encounterRef, String code, String display, int value, String unit) {
      ObjectNode o = observation("vital-signs", code, display, birthTime.toLocalDateTime(), encounterRef);
      o.set("valueQuantity", quantity(value, unit));
      add(o, null);
    }

    /** Household registration: the card number added to the child's Patient (not a new resource). */
    void registration(ArrayNode registrationEntries) {
      ObjectNode patch = json.createObjectNode().put("resourceType", "Parameters");
      ArrayNode parts = patch.withArray("parameter").addObject().put("name", "operation").withArray("part");
      parts.addObject().put("name", "type").put("valueCode", "add");
      parts.addObject().put("name", "path").put("valueString", "Patient");
      parts.addObject().put("name", "name").put("valueString", "identifier");
      parts.addObject().put("name", "value").putObject("valueIdentifier")
          .put("system", HealthCards.SYSTEM).put("value", card);
      registrationEntries.addObject().<ObjectNode>set("resource", patch).putObject("request")
          .put("method", "PATCH").put("url", "Patient?identifier=" + BIRTH_CERTIFICATE + "|" + certificate);
    }

    // ------------------------------------------------------------------ the records

    void records(ArrayNode recordEntries) {
      entries = recordEntries;
      if (child) {
        patientRef = "Patient?identifier=" + HealthCards.SYSTEM + "|" + card;
        childRecords();
      } else {
        patientEntry = entries.size();
        ObjectNode patient = patientResource(HealthCards.SYSTEM, card);
        patient.set("managingOrganization", ref(home.reference()));
        referenced.add(home.reference());
        patientRef = add(patient, "identifier=" + HealthCards.SYSTEM + "|" + card);
        adultRecords();
      }
    }

    private ObjectNode patientResource(String identifierSystem, String identifier) {
      ObjectNode patient = resource("Patient");
      patient.withArray("identifier").addObject().put("system", identifierSystem).put("value", identifier);
      patient.put("active", true);
      ObjectNode name = patient.withArray("name").addObject().put("use", "official")
          .put("family", FAMILY[r.nextInt(FAMILY.length)]);
      name.withArray("given").add(GIVEN[r.nextInt(GIVEN.length)]);
      patient.put("gender", male ? "male" : "female");
      patient.put("birthDate", born.toString());
      patient.withArray("address").addObject().put("use", "home").put("city", "Shenyang").withArray("extension")
          .addObject().put("url", DIVISION_EXT).set("valueCoding", coding(DIVISION, home.county(), null));
      return patient;
    }

    private void childRecords() {
      ObjectNode plan = resource("CarePlan");
      plan.put("status", "completed").put("intent", "plan").put("title", "Child health management, 0-6 years");
      plan.withArray("category").add(concept(SNOMED, "410620009", "Well child visit"));
      plan.set("subject", ref(patientRef));
      plan.putObject("period").put("start", born.toString()).put("end", born.plusYears(6).toString());
      plan.set("author", ref(home.reference()));
      referenced.add(home.reference());
      ObjectNode detail = plan.withArray("activity").addObject().putObject("detail");
      detail.put("kind", "Appointment").put("status", "completed");
      detail.set("code", concept(SNOMED, "410620009", "Well child visit"));
      add(plan, null);

      for (Object[] dose : NIP_SCHEDULE) {
        LocalDate day = born.plusMonths((Integer) dose[2]).plusDays(r.nextInt(10));
        immunization(day, dose[0].toString(), dose[1].toString(), home);
      }
      if (r.nextBoolean()) {
        immunization(born.plusMonths(12 + r.nextInt(6)), null, "21", home);
        immunization(born.plusYears(4).plusDays(r.nextInt(60)), null, "21", home);
      }
      for (int year = 1; year < 10; year++) {
        if (r.nextInt(3) == 0) {
          immunization(LocalDate.of(START.getYear() + year, 10, 1).plusDays(r.nextInt(50)), null, "141", home);
        }
      }
      // child health checks (national basic public-health services) and school checks
      int[] months = {1, 3, 6, 8, 12, 18, 24, 30, 36, 48, 60, 72, 84, 96, 108, 120};
      for (int m : months) {
        LocalDateTime when = born.plusMonths(m).plusDays(r.nextInt(14)).atTime(9 + r.nextInt(3), r.nextInt(60));
        if (!when.toLocalDate().isBefore(END)) {
          break;
        }
        Institution where = m <= 72 ? home : hospitals.get(0);
        ObjectNode enc = encounter("AMB", concept(SNOMED, "410620009", "Well child visit"), where, 1 + r.nextInt(3),
            when, when.plusMinutes(20));
        String e = add(enc, null);
        double years = m / 12.0;
        vital(e, when, "29463-7", "Body weight", round1(3.5 + years * 2.6 + r.nextGaussian()), "kg");
        double height = round1(52 + (m <= 24 ? m * 1.6 : 38 + (m - 24) * 0.55) + r.nextGaussian());
        if (m <= 24) {
          vital(e, when, "8306-3", "Body height --lying", height, "cm");
        } else {
          vital(e, when, "8302-2", "Body height", height, "cm");
        }
        if (m <= 36) {
          vital(e, when, "9843-4", "Head Occipital-frontal circumference", round1(37 + 12 * Math.log1p(m / 6.0) / Math.log1p(6)), "cm");
        }
        if (m == 6 || m == 12 || m == 24 || m == 36) {
          lab(e, when, "718-7", "Hemoglobin [Mass/volume] in Blood", 110 + r.nextInt(30), "g/L");
        }
        if (m >= 84) {
          bloodPressure(e, when, 95 + r.nextInt(20), 55 + r.nextInt(15));
        }
      }
      // sick visits: more when small
      LocalDate day = born.plusMonths(2);
      while (day.isBefore(END)) {
        double age = ChronoUnit.DAYS.between(born, day) / 365.25;
        int meanGap = age < 3 ? 70 : age < 6 ? 95 : 140;
        day = day.plusDays(meanGap / 2 + r.nextInt(meanGap));
        if (!day.isBefore(END)) {
          break;
        }
        sickVisit(day);
      }
      if (r.nextInt(10) < 4) {
        admission(born.plusDays(400 + r.nextInt(2500)), "233604007", "Pneumonia", "J18.9", "J01DD04", "ceftriaxone",
            "399208008", "Plain chest X-ray");
      }
    }

    private void sickVisit(LocalDate day) {
      String[][] illnesses = {
          {"54150009", "Upper respiratory infection", "J06.9", "N02BE01", "paracetamol"},
          {"10509002", "Acute bronchitis", "J20.9", "J01CA04", "amoxicillin"},
          {"25374005", "Gastroenteritis", "A09", "A07CA", "oral rehydration salt formulations"},
          {"65363002", "Otitis media", "H66.9", "J01CA04", "amoxicillin"},
          {"43878008", "Streptococcal sore throat", "J02.0", "J01CA04", "amoxicillin"}};
      String[] ill = illnesses[r.nextInt(illnesses.length)];
      Institution where = r.nextInt(3) == 0 ? children : home;
      LocalDateTime when = day.atTime(8 + r.nextInt(10), r.nextInt(60));
      String e = add(encounter("AMB", concept(SNOMED, "185345009", "Encounter for symptom"), where, 1 + r.nextInt(3),
          when, when.plusMinutes(15)), null);
      condition(e, when, ill[0], ill[1], ill[2], false, "encounter-diagnosis");
      vital(e, when, "8310-5", "Body temperature", round1(37.2 + r.nextDouble() * 2), "Cel");
      medication(e, when, where, ill[3], ill[4], "as directed, 5 days", "completed");
      if (r.nextInt(3) == 0) {
        bloodCount(e, when);
      }
    }

    private void adultRecords() {
      int roll = r.nextInt(100);
      boolean htn = roll < 75;
      boolean t2dm = roll >= 55;
      int age = START.getYear() - born.getYear();
      LocalDate enrolled = START.plusDays(r.nextInt(200));
      List<String> programmes = new ArrayList<>();
      if (htn) {
        programmes.add("hypertension");
        chronic("hypertension", "Hypertension management", "38341003", "Hypertensive disorder", "I10",
            "Essential hypertension", enrolled);
      }
      if (t2dm) {
        programmes.add("t2dm");
        chronic("t2dm", "Type 2 diabetes management", "44054006", "Diabetes mellitus type 2", "E11",
            "Type 2 diabetes mellitus", enrolled);
      }
      if (r.nextInt(10) < 4) {
        condition(null, enrolled.atTime(10, 0), "55822004", "Hyperlipidemia", "E78.5", true, "problem-list-item");
      }
      // follow-ups: every three months, two weeks after an uncontrolled visit
      LocalDate day = enrolled.plusDays(80 + r.nextInt(20));
      double weight = 58 + r.nextInt(30);
      int followUps = 0;
      while (day.isBefore(END)) {
        LocalDateTime when = day.atTime(8 + r.nextInt(4), r.nextInt(60));
        ObjectNode type = json.createObjectNode();
        for (String p : programmes) {
          type.withArray("coding").add(coding(FOLLOW_UP, p, (p.equals("t2dm") ? "Type 2 diabetes" : "Hypertension")
              + " management follow-up"));
        }
        String e = add(encounter("AMB", type, home, 1 + r.nextInt(3), when, when.plusMinutes(15)), null);
        int systolic = (int) Math.round(128 + r.nextGaussian() * 10);
        int diastolic = (int) Math.round(80 + r.nextGaussian() * 6);
        bloodPressure(e, when, systolic, diastolic);
        weight += r.nextGaussian() * 0.6;
        if (++followUps % 2 == 0) {
          vital(e, when, "29463-7", "Body weight", round1(weight), "kg");
        }
        boolean controlled = systolic < 140 && diastolic < 90;
        if (t2dm) {
          double glucose = round1(6.2 + r.nextGaussian() * 0.8);
          lab(e, when, "1558-6", "Fasting glucose [Moles/volume] in Serum or Plasma", glucose, "mmol/L");
          controlled &= glucose < 7.0;
          medication(e, when, home, "A10BA02", "metformin", "500 mg twice daily, 90 days", "completed");
        }
        if (htn) {
          medication(e, when, home, "C08CA01", "amlodipine", "5 mg once daily, 90 days", "completed");
        }
        // an uncontrolled visit calls for a recheck within two weeks; about half come
        day = day.plusDays(controlled || r.nextBoolean() ? 85 + r.nextInt(12) : 12 + r.nextInt(5));
      }
      // yearly health check
      for (int year = 0; year < 10; year++) {
        LocalDateTime when = START.plusYears(year).plusDays(100 + r.nextInt(150)).atTime(8, r.nextInt(60));
        Institution where = r.nextInt(4) == 0 ? hospitals.get(0) : home;
        String e = add(encounter("AMB", concept(SNOMED, "268565007", "Adult health examination"), where,
            1 + r.nextInt(3), when, when.plusHours(2)), null);
        bloodPressure(e, when, 120 + r.nextInt(30), 72 + r.nextInt(20));
        vital(e, when, "29463-7", "Body weight", round1(weight + r.nextGaussian()), "kg");
        vital(e, when, "8302-2", "Body height", round1(male ? 170 + r.nextInt(10) : 158 + r.nextInt(10)), "cm");
        lab(e, when, "1558-6", "Fasting glucose [Moles/volume] in Serum or Plasma", round1(t2dm ? 6 + r.nextDouble() * 3 : 4.6 + r.nextDouble()), "mmol/L");
        if (t2dm) {
          lab(e, when, "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", round1(6 + r.nextDouble() * 2.5), "%");
        }
        if (year % 2 == 0) {
          lipidPanel(e, when);
        }
        procedure(e, when, "29303009", "Electrocardiographic procedure", where);
      }
      // hospital outpatient visits
      int visits = 8 + r.nextInt(10);
      for (int v = 0; v < visits; v++) {
        LocalDateTime when = START.plusDays(r.nextInt(3640)).atTime(8 + r.nextInt(9), r.nextInt(60));
        Institution where = hospitals.get(r.nextInt(hospitals.size()));
        String e = add(encounter("AMB", concept(SNOMED, "185345009", "Encounter for symptom"), where, 1 + r.nextInt(3),
            when, when.plusMinutes(20)), null);
        String[][] problems = {
            {"54150009", "Upper respiratory infection", "J06.9", "N02BE01", "paracetamol"},
            {"279039007", "Low back pain", "M54.5", "M01AE01", "ibuprofen"},
            {"10509002", "Acute bronchitis", "J20.9", "J01CA04", "amoxicillin"},
            {"195967001", "Asthma", "J45.9", "R03AC02", "salbutamol"},
            {"235595009", "Gastroesophageal reflux disease", "K21.9", "A02BC01", "omeprazole"}};
        String[] p = problems[r.nextInt(problems.length)];
        condition(e, when, p[0], p[1], p[2], false, "encounter-diagnosis");
        bloodPressure(e, when, 120 + r.nextInt(35), 72 + r.nextInt(22));
        medication(e, when, where, p[3], p[4], "as directed, 7 days", "completed");
      }
      if (r.nextInt(10) < 3) {
        admission(START.plusDays(300 + r.nextInt(3000)), "235919008", "Cholelithiasis", "K80.2", "J01DD04", "ceftriaxone",
            "45595009", "Laparoscopic cholecystectomy");
      }
      for (int year = 0; year < 10; year++) {
        if (age + year >= 60 && r.nextInt(10) < 4) {
          immunization(LocalDate.of(START.getYear() + year, 10, 1).plusDays(r.nextInt(60)), null, "141", home);
        }
      }
      if (age + 10 >= 65) {
        immunization(LocalDate.of(END.getYear() - 1 - r.nextInt(3), 4, 1).plusDays(r.nextInt(90)), null, "33", home);
      }
    }

    /** Diagnosis and management plan as {@code $enrol-chronic-care} records them. */
    private void chronic(String programme, String programmeDisplay, String snomed, String snomedDisplay, String icd,
        String icdDisplay, LocalDate enrolled) {
      String c = condition(null, enrolled.atTime(9, 0), snomed, snomedDisplay, icd, true, "problem-list-item");
      ObjectNode plan = resource("CarePlan");
      plan.put("status", "active").put("intent", "plan").put("title", programmeDisplay);
      plan.withArray("category").add(concept(PROGRAMME, programme, programmeDisplay));
      plan.set("subject", ref(patientRef));
      plan.withArray("addresses").add(ref(c));
      plan.set("author", ref(home.reference()));
      referenced.add(home.reference());
      plan.putObject("period").put("start", enrolled.toString());
      ObjectNode detail = plan.withArray("activity").addObject().putObject("detail");
      detail.put("kind", "Appointment").put("status", "scheduled");
      detail.set("code", concept(FOLLOW_UP, programme, programmeDisplay + " follow-up"));
      detail.putObject("scheduledTiming").putObject("repeat").put("frequency", 1).put("period", 3).put("periodUnit", "mo");
      add(plan, null);
    }

    private void admission(LocalDate day, String snomed, String display, String icd, String drug, String drugName,
        String procedureCode, String procedureDisplay) {
      if (!day.isBefore(END.minusDays(10))) {
        day = END.minusDays(30);
      }
      Institution where = child ? children : hospitals.get(0);
      LocalDateTime in = day.atTime(10 + r.nextInt(8), r.nextInt(60));
      LocalDateTime out = in.plusDays(3 + r.nextInt(5));
      String e = add(encounter("IMP", concept(SNOMED, "32485007", "Hospital admission"), where, 1 + r.nextInt(3), in, out), null);
      condition(e, in, snomed, display, icd, false, "encounter-diagnosis");
      for (int d = 0; d < 3; d++) {
        LocalDateTime t = in.plusDays(d).plusHours(2);
        vital(e, t, "8310-5", "Body temperature", round1(36.6 + r.nextDouble() * 2), "Cel");
        bloodPressure(e, t, (child ? 95 : 118) + r.nextInt(25), (child ? 55 : 70) + r.nextInt(20));
      }
      bloodCount(e, in.plusHours(1));
      medication(e, in, where, drug, drugName, "intravenous, once daily", "completed");
      procedure(e, in.plusDays(1), procedureCode, procedureDisplay, where);
    }

    // ------------------------------------------------------------------ resources

    private void immunization(LocalDate day, String nip, String cvx, Institution where) {
      if (!day.isBefore(END)) {
        return;
      }
      ObjectNode imm = resource("Immunization");
      imm.put("status", "completed");
      ObjectNode code = json.createObjectNode();
      if (nip != null) {
        code.withArray("coding").add(coding(NIP, nip, null));
      }
      code.withArray("coding").add(coding(CVX, cvx, null));
      imm.set("vaccineCode", code);
      imm.set("patient", ref(patientRef));
      imm.put("occurrenceDateTime", day.atTime(9 + r.nextInt(7), r.nextInt(60)).atOffset(CST).toString());
      imm.put("primarySource", true);
      imm.put("lotNumber", "L" + (202000 + r.nextInt(9000)));
      String who = where.practitioner(1 + r.nextInt(PRACTITIONERS_PER_INSTITUTION));
      referenced.add(who);
      imm.withArray("performer").addObject().set("actor", ref(who));
      add(imm, null);
    }

    private ObjectNode encounter(String klass, ObjectNode type, Institution where, int doctor, LocalDateTime start,
        LocalDateTime end) {
      ObjectNode enc = resource("Encounter");
      enc.withArray("identifier").addObject().put("system", where.visitSystem())
          .put("value", String.format("V%06d-%03d", index, ++visit));
      enc.put("status", "finished");
      enc.set("class", coding(ACT_CODE, klass, klass.equals("IMP") ? "inpatient encounter" : "ambulatory"));
      enc.withArray("type").add(type);
      enc.set("subject", ref(patientRef));
      String who = where.practitioner(doctor);
      enc.withArray("participant").addObject().set("individual", ref(who));
      enc.putObject("period").put("start", dateTime(start)).put("end", dateTime(end));
      enc.set("serviceProvider", ref(where.reference()));
      referenced.add(who);
      referenced.add(where.reference());
      return enc;
    }

    private String condition(String encounterRef, LocalDateTime when, String snomed, String display, String icd,
        boolean chronic, String category) {
      ObjectNode c = resource("Condition");
      c.set("clinicalStatus", concept(CONDITION_CLINICAL, chronic ? "active" : "resolved", null));
      c.set("verificationStatus", concept(CONDITION_VERIFICATION, "confirmed", null));
      c.withArray("category").add(concept(CONDITION_CATEGORY, category, null));
      ObjectNode code = concept(SNOMED, snomed, display);
      code.withArray("coding").add(coding(ICD10, icd, null));
      c.set("code", code);
      c.set("subject", ref(patientRef));
      if (encounterRef != null) {
        c.set("encounter", ref(encounterRef));
      }
      c.put("onsetDateTime", dateTime(when));
      if (!chronic) {
        c.put("abatementDateTime", dateTime(when.plusDays(7 + r.nextInt(14))));
      }
      c.put("recordedDate", dateTime(when));
      return add(c, null);
    }

    private ObjectNode observation(String category, String code, String display, LocalDateTime when, String encounterRef) {
      ObjectNode o = resource("Observation");
      o.put("status", "final");
      o.withArray("category").add(concept(OBS_CATEGORY, category, null));
      o.set("code", concept(LOINC, code, display));
      o.set("subject", ref(patientRef));
      if (encounterRef != null) {
        o.set("encounter", ref(encounterRef));
      }
      o.put("effectiveDateTime", dateTime(when));
      return o;
    }

    private String vital(String e, LocalDateTime when, String code, String display, double value, String unit) {
      ObjectNode o = observation("vital-signs", code, display, when, e);
      o.set("valueQuantity", quantity(value, unit));
      return add(o, null);
    }

    private String lab(String e, LocalDateTime when, String code, String display, double value, String unit) {
      ObjectNode o = observation("laboratory", code, display, when, e);
      o.set("valueQuantity", quantity(value, unit));
      return add(o, null);
    }

    private void bloodPressure(String e, LocalDateTime when, int systolic, int diastolic) {
      ObjectNode o = observation("vital-signs", "85354-9", "Blood pressure panel with all children optional", when, e);
      ArrayNode components = o.withArray("component");
      ObjectNode s = components.addObject();
      s.set("code", concept(LOINC, "8480-6", "Systolic blood pressure"));
      s.set("valueQuantity", quantity(systolic, "mm[Hg]"));
      ObjectNode d = components.addObject();
      d.set("code", concept(LOINC, "8462-4", "Diastolic blood pressure"));
      d.set("valueQuantity", quantity(diastolic, "mm[Hg]"));
      add(o, null);
    }

    private void bloodCount(String e, LocalDateTime when) {
      String wbc = lab(e, when, "6690-2", "Leukocytes [#/volume] in Blood by Automated count", round1(4 + r.nextDouble() * 9), "10*9/L");
      String hb = lab(e, when, "718-7", "Hemoglobin [Mass/volume] in Blood", 110 + r.nextInt(45), "g/L");
      String plt = lab(e, when, "777-3", "Platelets [#/volume] in Blood by Automated count", 150 + r.nextInt(250), "10*9/L");
      report(e, when, "58410-2", "CBC panel - Blood by Automated count", wbc, hb, plt);
    }

    private void lipidPanel(String e, LocalDateTime when) {
      String chol = lab(e, when, "2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", round1(3.8 + r.nextDouble() * 2.8), "mmol/L");
      String tg = lab(e, when, "2571-8", "Triglyceride [Mass/volume] in Serum or Plasma", round1(0.8 + r.nextDouble() * 2.4), "mmol/L");
      String hdl = lab(e, when, "2085-9", "Cholesterol in HDL [Mass/volume] in Serum or Plasma", round1(0.9 + r.nextDouble()), "mmol/L");
      String ldl = lab(e, when, "13457-7", "Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation", round1(2 + r.nextDouble() * 2.2), "mmol/L");
      report(e, when, "57698-3", "Lipid panel with direct LDL - Serum or Plasma", chol, tg, hdl, ldl);
    }

    private void report(String e, LocalDateTime when, String code, String display, String... results) {
      ObjectNode dr = resource("DiagnosticReport");
      dr.put("status", "final");
      dr.withArray("category").add(concept("http://terminology.hl7.org/CodeSystem/v2-0074", "LAB", "Laboratory"));
      dr.set("code", concept(LOINC, code, display));
      dr.set("subject", ref(patientRef));
      dr.set("encounter", ref(e));
      dr.put("effectiveDateTime", dateTime(when));
      dr.put("issued", when.plusHours(3).atOffset(CST).toString());
      for (String result : results) {
        dr.withArray("result").add(ref(result));
      }
      add(dr, null);
    }

    private void medication(String e, LocalDateTime when, Institution where, String atc, String name, String dosage,
        String status) {
      ObjectNode m = resource("MedicationRequest");
      m.put("status", status).put("intent", "order");
      m.set("medicationCodeableConcept", concept(ATC, atc, name));
      m.set("subject", ref(patientRef));
      m.set("encounter", ref(e));
      m.put("authoredOn", dateTime(when));
      String who = where.practitioner(1 + r.nextInt(PRACTITIONERS_PER_INSTITUTION));
      referenced.add(who);
      m.set("requester", ref(who));
      m.withArray("dosageInstruction").addObject().put("text", dosage);
      add(m, null);
    }

    private void procedure(String e, LocalDateTime when, String code, String display, Institution where) {
      ObjectNode p = resource("Procedure");
      p.put("status", "completed");
      p.set("code", concept(SNOMED, code, display));
      p.set("subject", ref(patientRef));
      p.set("encounter", ref(e));
      p.put("performedDateTime", dateTime(when));
      String who = where.practitioner(1 + r.nextInt(PRACTITIONERS_PER_INSTITUTION));
      referenced.add(who);
      p.withArray("performer").addObject().set("actor", ref(who));
      add(p, null);
    }

    /** Adds an entry (POST, or a conditional create); returns its fullUrl. */
    private String add(ObjectNode resource, String ifNoneExist) {
      String fullUrl = "urn:uuid:" + new UUID(r.nextLong(), r.nextLong());
      ObjectNode entry = entries.addObject().put("fullUrl", fullUrl);
      entry.set("resource", resource);
      ObjectNode request = entry.putObject("request").put("method", "POST").put("url", resource.get("resourceType").asText());
      if (ifNoneExist != null) {
        request.put("ifNoneExist", ifNoneExist);
      }
      resources++;
      byType.merge(resource.get("resourceType").asText(), 1, Integer::sum);
      return fullUrl;
    }
  }

  /** Independent seeds for neighbouring persons (Random's first draws from close seeds are alike). */
  static long mix(long seed, int index) {
    long z = seed * 0x9E3779B97F4A7C15L + (index + 1) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  // ------------------------------------------------------------------ JSON helpers

  private ObjectNode transaction() {
    ObjectNode bundle = json.createObjectNode().put("resourceType", "Bundle").put("type", "transaction");
    bundle.putArray("entry");
    return bundle;
  }

  private ObjectNode resource(String type) {
    return json.createObjectNode().put("resourceType", type);
  }

  private static void entry(ArrayNode entries, ObjectNode resource, String conditionalUrl) {
    ObjectNode entry = entries.addObject().put("fullUrl", "urn:uuid:" + UUID.randomUUID());
    entry.set("resource", resource);
    entry.putObject("request").put("method", "POST").put("url", resource.get("resourceType").asText())
        .put("ifNoneExist", conditionalUrl.substring(conditionalUrl.indexOf('?') + 1));
  }

  private ObjectNode coding(String system, String code, String display) {
    ObjectNode c = json.createObjectNode().put("system", system).put("code", code);
    if (display != null) {
      c.put("display", display);
    }
    return c;
  }

  private ObjectNode concept(String system, String code, String display) {
    ObjectNode concept = json.createObjectNode();
    concept.withArray("coding").add(coding(system, code, display));
    return concept;
  }

  private ObjectNode ref(String reference) {
    return json.createObjectNode().put("reference", reference);
  }

  private ObjectNode quantity(double value, String ucum) {
    ObjectNode q = json.createObjectNode();
    if (value == Math.rint(value)) {
      q.put("value", (long) value);
    } else {
      q.put("value", value);
    }
    return q.put("unit", ucum).put("system", UCUM).put("code", ucum);
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static String dateTime(LocalDateTime t) {
    return t.withNano(0).atOffset(CST).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }
}
