package cn.healthcard.hub.terminology.nip;

import java.util.List;

/**
 * The series of the national immunization programme's childhood schedule, one per target disease
 * group. A series names the doses a child needs; the vaccine given for each dose is an NIP code of
 * {@code CodeSystem/nip-vaccine} (see {@link NipSchedule}).
 *
 * <p>Two pairs of NIP vaccines are one series here because the programme counts them together:
 * polio ({@code IPV} for doses 1-2, {@code BOPV} for doses 3-4; the catch-up rules count "polio
 * doses", whatever the product) and diphtheria-tetanus(-pertussis) ({@code DTAP} doses 1-4 plus a
 * fifth dose at 6 years, {@code DT} in the 2021 edition and {@code DTAP} since the 2025
 * adjustment). Japanese encephalitis and hepatitis A are one series each with two alternative
 * paths (live or inactivated vaccine). The meningococcal vaccines stay two series, as in the
 * schedule, linked by a minimum interval.
 */
public enum NipSeries {
  HEPB("HEPB", "乙肝疫苗", "hepatitis B", List.of("HEPB")),
  BCG("BCG", "卡介苗", "BCG", List.of("BCG")),
  POLIO("POLIO", "脊灰疫苗", "poliomyelitis", List.of("IPV", "BOPV")),
  DTP("DTP", "百白破疫苗", "diphtheria, tetanus, pertussis", List.of("DTAP", "DT")),
  MMR("MMR", "麻腮风疫苗", "measles, mumps, rubella", List.of("MMR")),
  JE("JE", "乙脑疫苗", "Japanese encephalitis", List.of("JE-L", "JE-I")),
  MPSV_A("MPSV-A", "A群流脑多糖疫苗", "meningococcal A", List.of("MPSV-A")),
  MPSV_AC("MPSV-AC", "A群C群流脑多糖疫苗", "meningococcal A and C", List.of("MPSV-AC")),
  HEPA("HEPA", "甲肝疫苗", "hepatitis A", List.of("HEPA-L", "HEPA-I"));

  private final String code;
  private final String chineseName;
  private final String englishName;
  private final List<String> vaccineCodes;

  NipSeries(String code, String chineseName, String englishName, List<String> vaccineCodes) {
    this.code = code;
    this.chineseName = chineseName;
    this.englishName = englishName;
    this.vaccineCodes = vaccineCodes;
  }

  /** Stable code of the series, used in reports and as the FHIR recommendation's series name. */
  public String code() {
    return code;
  }

  public String chineseName() {
    return chineseName;
  }

  public String englishName() {
    return englishName;
  }

  /** The NIP vaccine codes ({@code CodeSystem/nip-vaccine}) whose doses count in this series. */
  public List<String> vaccineCodes() {
    return vaccineCodes;
  }
}
