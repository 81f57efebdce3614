package cn.healthcard.hub.mappings.hl7v2.bundle;

import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

/**
 * FHIRPath Patch documents (a {@code Parameters} of operations), for the few changes the hub makes
 * to a stored resource without rewriting it: a status, the use of one identifier.
 */
public final class FhirPathPatch {

  private final Parameters patch = new Parameters();

  public static FhirPathPatch of() {
    return new FhirPathPatch();
  }

  /** Replaces the value at {@code path} (which must exist). */
  public FhirPathPatch replace(String path, Type value) {
    Parameters.ParametersParameterComponent op = operation("replace", path);
    op.addPart().setName("value").setValue(value);
    return this;
  }

  /** Adds {@code name} with {@code value} to the element at {@code path}. */
  public FhirPathPatch add(String path, String name, Type value) {
    Parameters.ParametersParameterComponent op = operation("add", path);
    op.addPart().setName("name").setValue(new StringType(name));
    op.addPart().setName("value").setValue(value);
    return this;
  }

  /** Deletes the element at {@code path}; nothing happens when there is none. */
  public FhirPathPatch delete(String path) {
    operation("delete", path);
    return this;
  }

  public Parameters build() {
    return patch;
  }

  /** {@code Type.identifier.where(system = '...' and value = '...')}, the strings quoted for FHIRPath. */
  public static String identifierPath(String type, String system, String value) {
    return type + ".identifier.where(system = " + literal(system) + " and value = " + literal(value) + ")";
  }

  /** A FHIRPath string literal: single quotes, with {@code \} and {@code '} escaped. */
  static String literal(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private Parameters.ParametersParameterComponent operation(String type, String path) {
    Parameters.ParametersParameterComponent op = patch.addParameter().setName("operation");
    op.addPart().setName("type").setValue(new CodeType(type));
    op.addPart().setName("path").setValue(new StringType(path));
    return op;
  }
}
