package cn.healthcard.hub.mappings.hl7v2.ack;

/** HL7 table 0357 (message error condition codes), the codes the hub puts in ERR-3. */
public enum ErrorCode {
  SEGMENT_SEQUENCE_ERROR("100", "Segment sequence error"),
  REQUIRED_FIELD_MISSING("101", "Required field missing"),
  DATA_TYPE_ERROR("102", "Data type error"),
  TABLE_VALUE_NOT_FOUND("103", "Table value not found"),
  UNSUPPORTED_MESSAGE_TYPE("200", "Unsupported message type"),
  UNSUPPORTED_EVENT_CODE("201", "Unsupported event code"),
  UNSUPPORTED_PROCESSING_ID("202", "Unsupported processing id"),
  UNSUPPORTED_VERSION_ID("203", "Unsupported version id"),
  UNKNOWN_KEY_IDENTIFIER("204", "Unknown key identifier"),
  DUPLICATE_KEY_IDENTIFIER("205", "Duplicate key identifier"),
  APPLICATION_RECORD_LOCKED("206", "Application record locked"),
  APPLICATION_INTERNAL_ERROR("207", "Application internal error");

  /** The coding system name of table 0357 in ERR-3.3. */
  public static final String CODING_SYSTEM = "HL70357";

  private final String code;
  private final String text;

  ErrorCode(String code, String text) {
    this.code = code;
    this.text = text;
  }

  public String code() {
    return code;
  }

  public String text() {
    return text;
  }
}
