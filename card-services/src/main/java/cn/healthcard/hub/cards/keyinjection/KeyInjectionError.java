package cn.healthcard.hub.cards.keyinjection;

/**
 * The JSON body of a refusal: {@code error} is the machine code ({@link RefusalCode#token()}),
 * {@code reason} a sentence for people, {@code requestId} the request's id when it had a valid one.
 */
public record KeyInjectionError(String error, String reason, String requestId) {}
