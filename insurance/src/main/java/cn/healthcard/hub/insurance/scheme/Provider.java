package cn.healthcard.hub.insurance.scheme;

/**
 * A hospital as the schemes know it: its level and county, and whether it is designated (定点):
 * the fund pays only designated hospitals.
 *
 * @param institution the hospital's id on the hub (its HL7 v2 sending facility, its clients' institution)
 */
public record Provider(String institution, String name, HospitalLevel level, String county, boolean designated) {}
