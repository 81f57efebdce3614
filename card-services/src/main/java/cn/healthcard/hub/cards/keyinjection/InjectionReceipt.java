package cn.healthcard.hub.cards.keyinjection;

/**
 * The hub's answer to an {@link InjectionConfirmation}.
 *
 * @param status {@value #RECORDED} the first time, {@value #ALREADY_RECORDED} for a repeat
 * @param signature Base64 of the hub's SM3withSM2 signature over {@link
 *     KeyInjectionCanonical#receipt}
 */
public record InjectionReceipt(
    String requestId, String diversificationCode, String status, String signature) {
  public static final String RECORDED = "recorded";
  public static final String ALREADY_RECORDED = "already-recorded";

  public InjectionReceipt withSignature(String newSignature) {
    return new InjectionReceipt(requestId, diversificationCode, status, newSignature);
  }
}
