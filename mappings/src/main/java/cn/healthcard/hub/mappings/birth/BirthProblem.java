package cn.healthcard.hub.mappings.birth;

/** Why a birth report cannot be accepted, located by a FHIRPath into the transaction. */
public record BirthProblem(String location, String reason) {}
